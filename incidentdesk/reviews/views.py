"""The management review page (choose a period, read the pack, download it) and the document review tasks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.documents.markdown import to_html
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.refusals import Refused
from incidentdesk.web import form_problems, require

from . import cycle, document, services
from .forms import NoChangeForm, PeriodForm
from .last import procedure_reviewed_on
from .models import DocumentReview
from .words import describe


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
        if not request.GET:  # show which period the default is
            context["form"] = PeriodForm(initial={"first": period.first, "last": period.last})
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


@login_required
def reviews(request):
    """The review tasks of the governance documents: open ones first (soonest due), then the done ones."""
    require(request, Capability.VIEW_REGISTER)
    rows = list(DocumentReview.objects.visible_to(request.user)
                .select_related("document", "incident", "assignee", "completed_by", "version")
                .order_by("status", "due_on", "pk")[:300])
    for row in rows:
        row.why = describe(row)
    return render(request, "reviews/reviews.html", {
        "open": [r for r in rows if not r.done], "done": [r for r in rows if r.done], "here": "reviews",
        "form": NoChangeForm(), "may_review": can(request.user, Capability.MANAGE_DOCUMENTS),
        "last_reviewed": procedure_reviewed_on(), "today": timezone.localdate()})


@login_required
@require_POST
@submitted_once
def no_change(request, pk: int):
    """Record "reviewed, no change" with a reason (refused without one; nothing stored then)."""
    require(request, Capability.MANAGE_DOCUMENTS)
    review = get_object_or_404(DocumentReview.objects.visible_to(request.user), pk=pk)
    form = NoChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing was saved. {form_problems(form)}")
    else:
        try:
            cycle.complete_without_change(review, reason=form.cleaned_data["reason"], by=request.user)
        except Refused as exc:
            messages.error(request, f"Nothing was saved. {exc}")
        else:
            messages.success(request, f"Review of the {review.document} recorded: no change needed.")
    return redirect("reviews")
