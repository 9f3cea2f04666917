"""The management review page: choose a period, read the pack, download it as PDF or DOCX."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from incidentdesk.accounts.permissions import Capability
from incidentdesk.documents.markdown import to_html
from incidentdesk.web import form_problems, require

from . import document, services
from .forms import PeriodForm


def _period(request, form: PeriodForm):
    """The period the form asks for, or None with the form carrying the reason (nothing is generated)."""
    if not form.is_valid():
        return None
    try:
        return services.period(form.cleaned_data["first"], form.cleaned_data["last"])
    except services.ReviewRefused as exc:
        form.add_error(None, str(exc))
        return None


@login_required
def management_review(request):
    """The pack as a page, to read before downloading (reading it is not an export, like the incident report)."""
    require(request, Capability.VIEW_REGISTER)
    form = PeriodForm(request.GET)
    period = _period(request, form)
    context = {"form": form, "here": "management-review", "problems": form_problems(form) if form.errors else ""}
    if period is not None:
        pack = services.figures(user=request.user, period=period)
        context |= {"pack": pack, "title": document.title(pack), "query": request.GET.urlencode(),
                    "sections": [(heading, to_html(text)) for heading, text in document.sections(pack)]}
    return render(request, "reviews/management_review.html", context, status=200 if period else 422)


@login_required
def management_review_export(request, fmt: str):
    """The pack as PDF or DOCX for the period in the query; generating it is logged."""
    require(request, Capability.EXPORT)
    if fmt not in services.FORMATS:
        raise Http404("Download as pdf or docx.")
    form = PeriodForm(request.GET)
    period = _period(request, form)
    if period is None:
        return HttpResponse(f"Nothing was generated. {form_problems(form)}", status=422, content_type="text/plain")
    content = services.export(user=request.user, period=period, fmt=fmt, via="web")
    response = HttpResponse(content, content_type=services.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{services.filename(period, fmt)}"'
    return response
