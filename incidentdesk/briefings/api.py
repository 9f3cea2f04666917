"""API: briefings and training (procedure §9), with the same services and roles as the web page."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, Problem, UtcDateTime, choices, require
from incidentdesk.inventory.models import AITool
from incidentdesk.times import local

from . import services
from .models import Briefing, BriefingKind

router = Router(tags=["briefings"])


class BriefingIn(Schema):
    person_name: str = Field(min_length=1, max_length=200, description="Who was briefed or trained")
    person_email: str = Field("", max_length=254, description="Their e-mail address (recognises the same person)")
    kind: BriefingKind = Field(BriefingKind.PROCEDURE, description=choices(BriefingKind))
    procedure_version: str = Field("", max_length=40, description="Procedure version; empty: the current one")
    subject: str = Field("", max_length=300, description="For a training: what it covered")
    given_on: date = Field(description="When it was given (not in the future)")
    given_by: str = Field(min_length=1, max_length=200, description="Who gave it")
    task_id: int | None = Field(None, description="The briefing task it completes, if any")


class BriefingOut(Schema):
    id: int
    person_name: str
    person_email: str
    kind: str = Field(description=choices(BriefingKind))
    procedure_version: str
    subject: str
    given_on: date
    given_by: str
    recorded_at: UtcDateTime


class AccessIn(Schema):
    tool_id: int = Field(description="The AI tool")
    person_name: str = Field(min_length=1, max_length=200)
    person_email: str = Field("", max_length=254)
    since: date = Field(description="Has access since")


class AccessOut(Schema):
    id: int
    tool: str
    person_name: str
    person_email: str
    since: date
    ended_on: date | None


class UnbriefedOut(Schema):
    name: str
    email: str
    tools: list[str] = Field(description="Tools they use that require a briefing")
    last_version: str = Field(description="The latest version they were briefed on; empty: never")


class StatusOut(Schema):
    current_version: str = Field(description="The procedure version people must be briefed on")
    unbriefed: list[UnbriefedOut]
    briefings: list[BriefingOut]


@router.get("", response={200: StatusOut, **PROBLEMS}, auth=READ,
            summary="Who is not briefed on the current procedure, and every briefing given")
def briefing_status(request):
    require(request, Capability.VIEW_REGISTER)
    return {"current_version": services.current_version(),
            "unbriefed": [u.__dict__ for u in services.unbriefed(local(timezone.now()).date())],
            "briefings": list(Briefing.objects.all())}


@router.post("", response={201: BriefingOut, **PROBLEMS}, auth=WRITE, summary="Record a briefing or training")
def record_briefing(request, body: BriefingIn):
    require(request, Capability.MANAGE_INVENTORY)
    data = body.dict()
    task_id = data.pop("task_id")
    task = None
    if task_id is not None:
        task = services.tasks_for(request.user).filter(pk=task_id).first()
        if task is None:
            raise Problem(404, "Not found", f"No briefing task {task_id}")
    return Status(201, services.record_briefing(by=request.user, task=task, **data | {"kind": str(body.kind)}))


@router.post("/access", response={201: AccessOut, **PROBLEMS}, auth=WRITE, summary="Record access to a tool")
def grant_access(request, body: AccessIn):
    require(request, Capability.MANAGE_INVENTORY)
    tool = AITool.objects.filter(pk=body.tool_id).first()
    if tool is None:
        raise Problem(404, "Not found", f"There is no AI tool {body.tool_id} in the inventory.")
    access = services.grant_access(tool=tool, person_name=body.person_name, person_email=body.person_email,
                                   since=body.since, by=request.user)
    return Status(201, {"id": access.pk, "tool": tool.name, "person_name": access.person_name,
                        "person_email": access.person_email, "since": access.since, "ended_on": access.ended_on})
