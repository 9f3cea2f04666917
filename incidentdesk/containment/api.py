"""API: step 2, contain — the containment actions of one incident (same service as the workspace)."""

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, UtcDateTime, When, choices, require, workspace_of

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
