"""API: corrective and preventive actions to verified effectiveness (ISO/IEC 42001 clause 10.2):
plan, implemented, the effectiveness check, or acceptance without verification (with a reason)."""

from datetime import date

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import (
    PROBLEMS,
    READ,
    WRITE,
    AssigneeIn,
    UtcDateTime,
    choices,
    owned,
    person,
    person_name,
    require,
    workspace_of,
)

from . import services
from .models import ActionKind, ActionStatus, CorrectiveAction

router = Router(tags=["corrective actions"])
PATH = "/{reference}/corrective-actions"


class PlanIn(Schema):
    kind: ActionKind = Field(ActionKind.CORRECTIVE, description=choices(ActionKind))
    description: str = Field(min_length=1, description="What will be done")
    assignee: str | None = Field(None, max_length=150,
                                 description="Who carries it out (its owner): a username or a full name; "
                                             "default: the person planning it")
    due_on: date = Field(description="When it is due")
    effectiveness_method: str = Field("", description="How effectiveness will be checked")
    effectiveness_due_on: date | None = Field(None, description="When the effectiveness check is due")


class VerificationIn(Schema):
    effective: bool = Field(description="True: verified effective; false: not effective (a new action is needed)")
    result: str = Field(min_length=1, description="What the check found")
    method: str = Field("", description="How effectiveness was checked (defaults to the planned method)")


class AcceptanceIn(Schema):
    reason: str = Field(min_length=1, description="Why the action is accepted without verification")


class ActionOut(Schema):
    id: int = Field(description="The action's id")
    kind: str = Field(description=choices(ActionKind))
    description: str = Field(description="What will be done")
    assignee: str | None = Field(description="Username of who carries it out (its owner)")
    due_on: date = Field(description="When it is due")
    status: str = Field(description=choices(ActionStatus))
    settled: bool = Field(description="Verified effective or accepted with a reason: closure may proceed")
    implemented_at: UtcDateTime | None = Field(description="When it was implemented (UTC)")
    effectiveness_method: str = Field(description="How effectiveness is checked")
    effectiveness_due_on: date | None = Field(description="When the effectiveness check is due")
    effectiveness_result: str = Field(description="What the check found")
    verified_at: UtcDateTime | None = Field(description="When the check was recorded (UTC)")
    acceptance_reason: str = Field(description="Why it was accepted without verification")

    @staticmethod
    def resolve_assignee(obj: CorrectiveAction) -> str | None:
        return person_name(obj.assignee)


class ReassignIn(AssigneeIn):
    due_on: date | None = Field(None, description="A new due date (default: unchanged)")


def _action(request, reference: str, action_id: int) -> CorrectiveAction:
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    return owned(request, CorrectiveAction, action_id, incident, "corrective action")


@router.get(PATH, response={200: list[ActionOut], **PROBLEMS}, auth=READ, summary="Corrective and preventive actions")
def list_actions(request, reference: str):
    incident = workspace_of(request, reference)
    return list(CorrectiveAction.objects.visible_to(request.user).filter(incident=incident))


@router.post(PATH, response={201: ActionOut, **PROBLEMS}, auth=WRITE, summary="Plan an action")
def plan_action(request, reference: str, body: PlanIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    assignee = person(body.assignee) if body.assignee is not None else request.user
    data = body.dict() | {"kind": str(body.kind), "assignee": assignee}
    return Status(201, services.plan(incident=incident, by=request.user, **data))


@router.post(PATH + "/{int:action_id}/implemented", response={200: ActionOut, **PROBLEMS}, auth=WRITE,
             summary="Mark the action implemented (its effectiveness is checked next)")
def implemented(request, reference: str, action_id: int):
    return services.implement(action=_action(request, reference, action_id), by=request.user)


@router.post(PATH + "/{int:action_id}/verification", response={200: ActionOut, **PROBLEMS}, auth=WRITE,
             summary="Record the effectiveness check of an implemented action")
def verification(request, reference: str, action_id: int, body: VerificationIn):
    return services.verify(action=_action(request, reference, action_id), effective=body.effective,
                           result=body.result, method=body.method, by=request.user)


@router.post(PATH + "/{int:action_id}/acceptance", response={200: ActionOut, **PROBLEMS}, auth=WRITE,
             summary="Accept the action without verification (needs a reason; logged)")
def acceptance(request, reference: str, action_id: int, body: AcceptanceIn):
    return services.accept(action=_action(request, reference, action_id), reason=body.reason, by=request.user)


@router.put(PATH + "/{int:action_id}/assignee", response={200: ActionOut, **PROBLEMS}, auth=WRITE,
            summary="Give the action to another person (its owner), optionally with a new due date")
def reassign(request, reference: str, action_id: int, body: ReassignIn):
    return services.reassign(action=_action(request, reference, action_id), assignee=person(body.assignee),
                             due_on=body.due_on, by=request.user)
