"""The plain register page and incident page (the full web app comes with issue #3)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from .models import Incident
from .register import filter_register, next_deadlines
from .services import IncidentNotFound, get_incident


@login_required
def register(request):
    incidents = filter_register(Incident.objects.all(), request.GET)
    page = Paginator(incidents.select_related(None), 50).get_page(request.GET.get("page"))
    deadlines = next_deadlines([i.pk for i in page.object_list])
    rows = [(incident, deadlines.get(incident.pk)) for incident in page.object_list]
    return render(request, "incidents/register.html", {"page": page, "rows": rows, "now": timezone.now(),
                                                       "query": request.GET})


@login_required
def detail(request, reference: str):
    try:
        incident = get_incident(reference)
    except IncidentNotFound as exc:
        return render(request, "incidents/not_found.html", {"message": str(exc)}, status=404)
    now = timezone.now()
    obligations = [(o, o.shown_status(now)) for o in incident.obligations.order_by("status", "due_at")]
    return render(request, "incidents/detail.html", {
        "incident": incident, "obligations": obligations, "now": now,
        "tools": incident.tools.select_related("tool"), "actions": incident.actions.all(),
        "notifications": incident.notifications.all(), "history": incident.classifications.all(),
        "breach": getattr(incident, "breach_assessment", None),
    })
