from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from incidentdesk import times
from incidentdesk.accounts.permissions import Capability
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.incidents.page import render_workspace
from incidentdesk.refusals import Refused
from incidentdesk.web import form_problems, refuse_on_form, require, workspace_of

from . import exports
from .communications import record_communication
from .forms import CommunicationForm
from .register import COLUMNS, entries, text


@login_required
def register(request):
    """The breach register (GDPR Art 33(5)): every personal data breach this person may see."""
    require(request, Capability.VIEW_REGISTER)
    with times.pinned():
        rows = _rows(request.user)
    return render(request, "breaches/register.html", {"rows": rows})


def _rows(user) -> list[dict]:
    return [{"reference": e["reference"], "title": e["title"], "detected": text(e["detected_at"]),
             "decision": e["decision"], "notified": text(e["first_authority_notification"]),
             "authority_reference": e["authority_reference"], "informed": e["people_informed_count"],
             "people": e["people"], "lines": [(c.header, text(e[c.key])) for c in COLUMNS[2:]]}
            for e in entries(user)]


@login_required
def export(request, fmt: str):
    require(request, Capability.EXPORT)
    if fmt not in exports.FORMATS:
        raise Http404("Export as csv, xlsx or pdf.")
    content = exports.export(fmt=fmt, user=request.user, via="web")
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="breach-register-{stamp}.{fmt}"'
    return response


@login_required
@require_POST
@submitted_once
def informed(request, reference: str):
    """Record who was informed. A refusal shows the workspace again with what was typed and the problem next to
    its field (storing nothing), rather than a redirect that loses the input."""
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    form = CommunicationForm(request.POST)
    if form.is_valid():
        try:
            record_communication(incident=incident, by=request.user, **form.cleaned_data)
        except Refused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Recorded who was informed.")
            return redirect("incident-workspace", incident.reference)
    messages.error(request, f"Nothing was saved. {form_problems(form)}")
    return render_workspace(request, incident, {"informed_form": form}, status=400)
