"""My work: containment actions whose result I am to find out (settings.MY_WORK_SOURCES)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from incidentdesk.incidents.models import Status
from incidentdesk.work import WorkItem

from .models import ContainmentAction, ContainmentResult


def source(user: Any, now: datetime) -> list[WorkItem]:
    """A containment action stays its assignee's task while its result is not known (on an open incident)."""
    rows = (ContainmentAction.objects.visible_to(user).filter(assignee=user, result=ContainmentResult.PENDING)
            .exclude(incident__status=Status.CLOSED).select_related("incident"))
    return [WorkItem(kind="Containment action", title=f"Record whether it stopped the harm: {a.get_kind_display()}"
                     + (f" ({a.description[:80]})" if a.description else ""),
                     url=reverse("incident-workspace", args=[a.incident.reference]) + f"#containment-{a.pk}",
                     due_at=a.due_at, incident_ref=a.incident.reference, object_type="containmentaction",
                     object_id=a.pk) for a in rows]
