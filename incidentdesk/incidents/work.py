"""My work: the open incidents I own, each with its next deadline (settings.MY_WORK_SOURCES)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from incidentdesk.work import WorkItem

from .models import Incident, Status
from .register import next_deadlines


def source(user: Any, now: datetime) -> list[WorkItem]:
    owned = list(Incident.objects.visible_to(user).filter(owner=user).exclude(status=Status.CLOSED))
    deadlines = next_deadlines([i.pk for i in owned], user)
    return [WorkItem(kind="Incident you own", title=f"{i.title} ({i.get_status_display().lower()}, level "
                                                    f"{i.severity_level})",
                     url=reverse("incident-workspace", args=[i.reference]), due_at=deadlines.get(i.pk),
                     incident_ref=i.reference, object_type="incident", object_id=i.reference) for i in owned]
