"""'My work' (incidentdesk/work.py): the unacknowledged internal notices of the incidents I own, so the owner
chases a team that has not answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.work import WorkItem

from .models import Notice


def source(user: Any, now: datetime) -> list[WorkItem]:
    notices = (Notice.objects.visible_to(user).filter(incident__owner=user, acknowledged_at__isnull=True)
               .exclude(incident__status="closed").select_related("incident").prefetch_related("steps"))
    items = []
    for notice in notices:
        step = notice.last_step
        who = f" (told: {step.recipient_name})" if step else " (nobody in the directory to tell)"
        items.append(WorkItem(kind="Internal notice", title=f"{notice.get_team_display()} has not acknowledged{who}",
                              url=f"/incidents/{notice.incident.reference}/#routing",
                              due_at=step.ack_due_at if step else None, incident_ref=notice.incident.reference,
                              object_type="routing_notice", object_id=notice.pk))
    return items
