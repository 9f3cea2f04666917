"""My work: the clocks I am to meet (settings.MY_WORK_SOURCES). Their due time is the law's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from incidentdesk.incidents.models import Status
from incidentdesk.work import WorkItem

from .models import Obligation, ObligationStatus


def source(user: Any, now: datetime) -> list[WorkItem]:
    """Open clocks (pending, or that may apply) of open incidents, assigned to ``user``."""
    rows = (Obligation.objects.visible_to(user)
            .filter(assignee=user, status__in=[ObligationStatus.PENDING, ObligationStatus.MAY_APPLY])
            .exclude(incident__status=Status.CLOSED).select_related("incident"))
    return [WorkItem(kind="Deadline" if o.status == ObligationStatus.PENDING else "Deadline that may apply",
                     title=f"{o.action} ({o.citation})",
                     url=reverse("incident-workspace", args=[o.incident.reference]) + "#clocks",
                     due_at=o.due_at, incident_ref=o.incident.reference, object_type="obligation",
                     object_id=o.rule_id) for o in rows]
