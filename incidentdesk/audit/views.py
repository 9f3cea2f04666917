"""The audit log for auditors: every event, newest first, with the chain's state and its checkpoints."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from incidentdesk.accounts.permissions import Capability
from incidentdesk.incidents.models import Incident
from incidentdesk.web import require

from . import readable
from .filters import AuditFilter
from .models import AuditEvent
from .services import head_checkpoint, verify


@login_required
def audit_log(request):
    """The log, filtered and paginated; each event's change in words, its incident a link when the reader may
    open it (events of incidents they may not see are not there at all: ``visible_to``)."""
    require(request, Capability.VIEW_AUDIT)
    visible = AuditEvent.objects.visible_to(request.user).order_by("-seq")
    filterset = AuditFilter(request.GET or None, queryset=visible)
    events = filterset.qs if not filterset.is_bound or filterset.is_valid() else visible.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    refs = {e.incident_ref for e in page if e.incident_ref}
    openable = set(Incident.objects.visible_to(request.user).filter(reference__in=refs)
                   .values_list("reference", flat=True))
    rows = [{"event": e, "what": readable.action_words(e.action), "changes": readable.changes(e),
             "summary": readable.summary(e), "link": e.incident_ref in openable} for e in page]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    check = verify() if request.GET.get("verify") else None
    return render(request, "audit/log.html", {"page": page, "rows": rows, "check": check, "filter": filterset,
                                              "query": query.urlencode()})


@login_required
def download_checkpoint(request):
    """A signed checkpoint of the head, to keep outside IncidentDesk (it is also kept in the checkpoint folder)."""
    require(request, Capability.VIEW_AUDIT)
    made = head_checkpoint()
    response = HttpResponse(made.line() + "\n", content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoint-event-{made.seq}.jsonl"'
    return response
