"""API: step 6, learn and adapt — lessons of one incident and their decision; the change log of the policy,
the inventory, the procedure and training (an accepted lesson writes a dated line in it)."""

from datetime import date

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import (
    PROBLEMS,
    READ,
    WRITE,
    AssignIn,
    UtcDateTime,
    choices,
    owned,
    person,
    person_name,
    require,
    workspace_of,
)

from . import services
from .models import DocumentChange, Lesson, LessonStatus, Target

router = Router(tags=["lessons"])
changes_router = Router(tags=["lessons"])


class LessonIn(Schema):
    target: Target = Field(description="Which document it feeds into. " + choices(Target))
    text: str = Field(min_length=1, description="What was learned and what should change")


class DecisionIn(Schema):
    accept: bool = Field(description="True: accept (writes the change log); false: reject")
    reason: str = Field("", description="Why it is rejected (required when rejecting)")
    summary: str = Field("", description="The change-log line when accepting (defaults to the lesson's text)")


class LessonOut(Schema):
    id: int = Field(description="The lesson's id")
    target: str = Field(description=choices(Target))
    text: str = Field(description="What was learned and what should change")
    status: str = Field(description=choices(LessonStatus))
    decision_reason: str = Field(description="Why it was rejected")
    decided_at: UtcDateTime | None = Field(description="When it was decided (UTC)")
    created_at: UtcDateTime = Field(description="When it was proposed (UTC)")
    assignee: str | None = Field(description="Username of who decides it")
    due_at: UtcDateTime | None = Field(description="By when it should be decided (UTC)")

    @staticmethod
    def resolve_assignee(obj: Lesson) -> str | None:
        return person_name(obj.assignee)


class ChangeOut(Schema):
    id: int = Field(description="The change's id")
    document: str = Field(description=choices(Target))
    changed_on: date = Field(description="The date of the change")
    summary: str = Field(description="What changed (names the incident it came from)")
    recorded_by: str = Field(description="Who recorded it")
    lesson_id: int | None = Field(description="The lesson it came from")


@router.get("/{reference}/lessons", response={200: list[LessonOut], **PROBLEMS}, auth=READ, summary="Lessons")
def list_lessons(request, reference: str):
    incident = workspace_of(request, reference)
    return list(Lesson.objects.visible_to(request.user).filter(incident=incident))


@router.post("/{reference}/lessons", response={201: LessonOut, **PROBLEMS}, auth=WRITE, summary="Propose a lesson")
def propose(request, reference: str, body: LessonIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    return Status(201, services.propose(incident=incident, target=str(body.target), text=body.text, by=request.user))


@router.post("/{reference}/lessons/{int:lesson_id}/decision", response={200: LessonOut, **PROBLEMS}, auth=WRITE,
             summary="Accept (writes the change log) or reject (with a reason) a lesson")
def decide(request, reference: str, lesson_id: int, body: DecisionIn):
    incident = workspace_of(request, reference)
    require(request, Capability.CLASSIFY)
    lesson = owned(request, Lesson, lesson_id, incident, "lesson")
    return services.decide(lesson=lesson, accept=body.accept, by=request.user, reason=body.reason,
                           summary=body.summary)


@router.put("/{reference}/lessons/{int:lesson_id}/assignee", response={200: LessonOut, **PROBLEMS}, auth=WRITE,
            summary="Give a proposed lesson to the person who decides it, with a due time")
def assign(request, reference: str, lesson_id: int, body: AssignIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    lesson = owned(request, Lesson, lesson_id, incident, "lesson")
    return services.assign(lesson=lesson, assignee=person(body.assignee), due_at=body.due_at, by=request.user)


@changes_router.get("", response={200: list[ChangeOut], **PROBLEMS}, auth=READ,
                    summary="The change log of the policy, inventory, procedure and training (newest 500)")
def change_log(request):
    require(request, Capability.VIEW_REGISTER)
    return list(DocumentChange.objects.visible_to(request.user)[:500])
