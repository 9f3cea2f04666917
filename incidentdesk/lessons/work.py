"""My work: proposed lessons I am to decide (settings.MY_WORK_SOURCES)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from incidentdesk.incidents.models import Status
from incidentdesk.work import WorkItem

from .models import Lesson, LessonStatus


def source(user: Any, now: datetime) -> list[WorkItem]:
    rows = (Lesson.objects.visible_to(user).filter(assignee=user, status=LessonStatus.PROPOSED)
            .exclude(incident__status=Status.CLOSED).select_related("incident"))
    return [WorkItem(kind="Lesson", title=f"Accept or reject: {lesson.text[:120]}",
                     url=reverse("incident-workspace", args=[lesson.incident.reference]) + "#lessons",
                     due_at=lesson.due_at, incident_ref=lesson.incident.reference, object_type="lesson",
                     object_id=lesson.pk) for lesson in rows]
