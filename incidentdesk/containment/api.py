"""API: step 2, contain — the containment actions of one incident (same service as the workspace)."""

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import (
    PROBLEMS,
    READ,
    WRITE,
    AssignIn,
    UtcDateTime,
    When,
    choices,
    owned,
    person,
    person_name,
    require,
    workspace_of,
)

from . import services
from .models import ContainmentAction, ContainmentKind, ContainmentResult

router = Router(tags=["containment"])


class ContainmentIn(Schema):
    kind: ContainmentKind = Field(description=choices(ContainmentKind))
    description: str = Field("", description="What exactly was done (required when kind is other)")
    taken_at: When = Field(description="When it was done (with a UTC offset)")
    taken_by: str = Field(min_length=1, max_length=150, description="Who did it (may differ from who records it)")
    result: ContainmentResult = Field(ContainmentResult.PENDING, description=choices(ContainmentResult))


class ContainmentOut(Schema):
    id: int = Field(description="The action's id")
    kind: str = Field(description=choices(ContainmentKind))
    description: str = Field(description="What exactly was done")
    taken_at: UtcDateTime = Field(description="When it was done (UTC)")
    taken_by: str = Field(description="Who did it")
    result: str = Field(description=choices(ContainmentResult))
    created_at: UtcDateTime = Field(description="When it was recorded (UTC)")
    assignee: str | None = Field(description="Username of who follows it up until its result is known")
    due_at: UtcDateTime | None = Field(description="By when its result should be known (UTC)")

    @staticmethod
    def resolve_assignee(obj: ContainmentAction) -> str | None:
        return person_name(obj.assignee)


class ResultIn(Schema):
    result: ContainmentResult = Field(description=choices(ContainmentResult))


@router.get("/{reference}/containment", response={200: list[ContainmentOut], **PROBLEMS}, auth=READ,
            summary="Containment actions, oldest first")
def list_containment(request, reference: str):
    incident = workspace_of(request, reference)
    return list(ContainmentAction.objects.visible_to(request.user).filter(incident=incident))


@router.post("/{reference}/containment", response={201: ContainmentOut, **PROBLEMS}, auth=WRITE,
             summary="Record a containment action (an effective one lets the incident move to contained)")
def add_containment(request, reference: str, body: ContainmentIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    data = body.dict()
    data["kind"], data["result"] = str(data["kind"]), str(data["result"])
    return Status(201, services.contain(incident=incident, by=request.user, **data))


def _action(request, reference: str, action_id: int) -> ContainmentAction:
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    return owned(request, ContainmentAction, action_id, incident, "containment action")


@router.put("/{reference}/containment/{int:containment_id}/assignee", response={200: ContainmentOut, **PROBLEMS},
            auth=WRITE, summary="Give the action's follow-up to a person, with a due time")
def assign_containment(request, reference: str, containment_id: int, body: AssignIn):
    action = _action(request, reference, containment_id)
    return services.assign(action=action, assignee=person(body.assignee), due_at=body.due_at, by=request.user)


@router.put("/{reference}/containment/{int:containment_id}/result", response={200: ContainmentOut, **PROBLEMS},
            auth=WRITE, summary="Record the action's result once it is known")
def containment_result(request, reference: str, containment_id: int, body: ResultIn):
    action = _action(request, reference, containment_id)
    return services.record_result(action=action, result=str(body.result), by=request.user)
