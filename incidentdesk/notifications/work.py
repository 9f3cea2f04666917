"""My work: drafts I am to review before they are sent (settings.MY_WORK_SOURCES)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse

from incidentdesk.incidents.models import Status
from incidentdesk.work import WorkItem

from .models import NotificationDraft


def source(user: Any, now: datetime) -> list[WorkItem]:
    """The latest version of each draft assigned to ``user`` that is not sent yet (a later version carries
    the assignment over, so only the latest counts)."""
    later = NotificationDraft.objects.filter(incident=OuterRef("incident"), kind=OuterRef("kind"),
                                             rule_id=OuterRef("rule_id"), version__gt=OuterRef("version"))
    rows = (NotificationDraft.objects.visible_to(user).filter(assignee=user, notification__isnull=True)
            .exclude(Exists(later)).exclude(incident__status=Status.CLOSED).select_related("incident"))
    return [WorkItem(kind="Draft to review", title=f"Review before it is sent: {d.subject[:120]}",
                     url=reverse("draft", args=[d.incident.reference, d.pk]), due_at=d.due_at,
                     incident_ref=d.incident.reference, object_type="notificationdraft", object_id=d.pk)
            for d in rows]
