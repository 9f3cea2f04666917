"""Briefing tasks in "my work" (``settings.MY_WORK_SOURCES``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from incidentdesk.work import WorkItem

from .services import tasks_for


def source(user: Any, now: datetime) -> list[WorkItem]:
    """The open briefing tasks assigned to ``user``."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [WorkItem(kind="Briefing or training", title=f"Brief or train people: {task.what}",
                     url=reverse("briefings") + f"#task-{task.pk}", incident_ref=task.incident_ref,
                     object_type="briefingtask", object_id=task.pk)
            for task in tasks_for(user).filter(assignee=user, done_at__isnull=True)]
