"""My work: comments that mention me, until I mark them read (settings.MY_WORK_SOURCES)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from incidentdesk.work import WorkItem

from .models import Mention


def source(user: Any, now: datetime) -> list[WorkItem]:
    rows = (Mention.objects.visible_to(user).filter(user=user, read_at__isnull=True)
            .select_related("comment__incident"))
    items = []
    for m in rows:
        reference = m.comment.incident.reference
        items.append(WorkItem(kind="Mention", title=f"{m.comment.author_name} mentioned you: {m.comment.body[:120]}",
                              url=reverse("incident-workspace", args=[reference]) + f"#comment-{m.comment_id}",
                              incident_ref=reference, object_type="comment", object_id=m.comment_id))
    return items
