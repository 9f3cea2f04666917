"""The audit log for auditors: every event, newest first, with the chain's state and its checkpoints."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import require

from .models import AuditEvent
from .services import head_checkpoint, verify


@login_required
def audit_log(request):
    require(request, Capability.VIEW_AUDIT)
    events = AuditEvent.objects.visible_to(request.user).order_by("-seq")
    if request.GET.get("incident"):
        events = events.filter(incident_ref=request.GET["incident"].strip().upper())
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    check = verify() if request.GET.get("verify") else None
    return render(request, "audit/log.html",
                  {"page": page, "check": check, "incident": request.GET.get("incident", "")})


@login_required
def download_checkpoint(request):
    """A signed checkpoint of the head, to keep outside IncidentDesk (it is also kept in the checkpoint folder)."""
    require(request, Capability.VIEW_AUDIT)
    made = head_checkpoint()
    response = HttpResponse(made.line() + "\n", content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoint-event-{made.seq}.jsonl"'
    return response
