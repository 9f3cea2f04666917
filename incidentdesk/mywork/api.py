"""API: ``GET /api/my-work``, what is the token owner's to do across incidents (the same list as the page)."""

from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, UtcDateTime, require

from .services import my_work

router = Router(tags=["my work"])


class WorkItemOut(Schema):
    kind: str = Field(description="What sort of task, in words (Deadline, Containment action, Draft to review, …)")
    title: str = Field(description="What to do, in words")
    url: str = Field(description="Where to do it (a path of the web app)")
    due_at: UtcDateTime | None = Field(description="By when (UTC); null when no due time is set")
    overdue: bool = Field(description="Past its due time")
    incident: str = Field(description="The incident's reference")
    object_type: str = Field(description="The kind of row: containmentaction, obligation, correctiveaction, "
                                         "lesson, notificationdraft, comment, incident")
    object_id: str = Field(description="The row's id (a rule id for a deadline, a reference for an incident)")


class MyWorkOut(Schema):
    tasks: list[WorkItemOut] = Field(description="Assigned to me, overdue first, then soonest due, undated last")
    owned: list[WorkItemOut] = Field(description="Open incidents I own, each with its next deadline")


def _item(item: Any, overdue: bool) -> dict:
    return {"kind": item.kind, "title": item.title, "url": item.url, "due_at": item.due_at, "overdue": overdue,
            "incident": item.incident_ref, "object_type": item.object_type, "object_id": str(item.object_id)}


@router.get("", response={200: MyWorkOut, **PROBLEMS}, auth=READ, summary="What is mine to do, across incidents")
def my_work_list(request):
    require(request, Capability.VIEW_WORKSPACE)
    mine = my_work(request.user, timezone.now())
    return {"tasks": [_item(i, mine.overdue(i)) for i in mine.tasks],
            "owned": [_item(i, mine.overdue(i)) for i in mine.owned]}
