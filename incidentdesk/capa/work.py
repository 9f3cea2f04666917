"""My work: corrective and preventive actions I own (settings.MY_WORK_SOURCES)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.urls import reverse

from incidentdesk import times
from incidentdesk.incidents.models import Status
from incidentdesk.work import WorkItem

from .models import ActionStatus, CorrectiveAction


def _end_of(day: date | None) -> datetime | None:
    """A due date means "by the end of that day" in the organisation's time zone."""
    return datetime.combine(day, time(23, 59), tzinfo=times.zone()) if day else None


def source(user: Any, now: datetime) -> list[WorkItem]:
    """To carry out (open, or not effective: a new attempt), or to check for effectiveness (implemented)."""
    rows = (CorrectiveAction.objects.visible_to(user)
            .filter(assignee=user, status__in=[ActionStatus.OPEN, ActionStatus.NOT_EFFECTIVE, ActionStatus.IMPLEMENTED])
            .exclude(incident__status=Status.CLOSED).select_related("incident"))
    items = []
    for a in rows:
        checking = a.status == ActionStatus.IMPLEMENTED
        items.append(WorkItem(
            kind="Corrective action" if a.kind == "corrective" else "Preventive action",
            title=("Check whether it worked: " if checking else "Carry out: ") + a.description[:120],
            url=reverse("incident-workspace", args=[a.incident.reference]) + "#capa",
            due_at=_end_of(a.effectiveness_due_on if checking else a.due_on), incident_ref=a.incident.reference,
            object_type="correctiveaction", object_id=a.pk))
    return items
