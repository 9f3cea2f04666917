"""The "my work" source of the review cycle (``settings.MY_WORK_SOURCES``): a person's open document reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from incidentdesk.work import WorkItem

from .cycle import due_at
from .models import DocumentReview, ReviewStatus
from .words import describe


def my_reviews(user: Any, now: datetime) -> list[WorkItem]:
    """Open reviews assigned to ``user``, of the ones they may see (a review after a restricted incident is
    hidden, as the incident is, from people not named on it)."""
    reviews = (DocumentReview.objects.visible_to(user).filter(assignee=user, status=ReviewStatus.OPEN)
               .select_related("document", "incident"))
    return [WorkItem(kind="Document review", title=f"Review the {r.document}: {describe(r)}",
                     url=reverse("reviews") + f"#review-{r.pk}", due_at=due_at(r),
                     incident_ref=r.incident.reference if r.incident else "", object_type="documentreview",
                     object_id=r.pk) for r in reviews]
