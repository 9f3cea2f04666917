"""API: exercises (start one from a scenario, reveal its injects, end it, read its score) and the readiness
check (``GET /api/readiness``, the same as the page and ``incidentdesk readiness --json``).

Starting and running an exercise needs the "classify" capability (administrators and incident managers,
decision 163): the facilitator reveals facts that move clocks and severity, as only those roles may decide.
"""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, UtcDateTime, require, workspace_of

from . import scoring, services
from .readiness import assess
from .scenarios import library

router = Router(tags=["exercises"])
incident_router = Router(tags=["exercises"])
readiness_router = Router(tags=["readiness"])


class ScenarioOut(Schema):
    key: str = Field(description="The scenario's key, to start an exercise with")
    title: str
    level: int = Field(description="The severity level the scenario rehearses")
    summary: str
    source: str = Field(description="The procedure section or article it rehearses")
    injects: list[str] = Field(description="The injects' titles, in the order they are due")


class StartIn(Schema):
    scenario: str = Field(description="A scenario key from GET /api/exercises/scenarios")


class RevealIn(Schema):
    inject: str = Field(description="The inject's key (see GET /api/incidents/{reference}/exercise)")


class InjectOut(Schema):
    key: str
    title: str
    text: str
    due_at: UtcDateTime = Field(description="When it is due on the exercise's clock (UTC)")
    revealed_at: UtcDateTime | None = Field(description="When the facilitator revealed it (UTC)")


class ScoreOut(Schema):
    measure: str = Field(description="contain, classify, gdpr or notify")
    title: str
    done_at: UtcDateTime | None = Field(description="When the team did it (UTC)")
    due_at: UtcDateTime | None = Field(description="Its deadline (UTC); empty when none applied")
    met: bool | None = Field(description="Whether the deadline was met; empty when none applied")
    words: str = Field(description="The outcome in words, as in the exercise report")


class ExerciseOut(Schema):
    id: int
    reference: str = Field(description="The exercise's incident (flagged as an exercise)")
    scenario: str
    title: str
    facilitator: str
    started_at: UtcDateTime
    ended_at: UtcDateTime | None = Field(description="When it ended; empty while it runs")
    injects: list[InjectOut]
    scores: list[ScoreOut]


class ReadinessItemOut(Schema):
    key: str
    title: str
    ready: bool
    detail: str
    fix_url: str
    source: str
    weight: int


class ReadinessOut(Schema):
    score: int = Field(description="0–100: the weighted share of the items that are ready")
    checked_at: datetime
    ready: bool = Field(description="True when every item is ready")
    items: list[ReadinessItemOut]
    gaps: list[str] = Field(description="The keys of the items that are not ready")


def _out(exercise) -> dict:
    return {"id": exercise.pk, "reference": exercise.incident.reference, "scenario": exercise.scenario,
            "title": exercise.title, "facilitator": exercise.facilitator_name, "started_at": exercise.started_at,
            "ended_at": exercise.ended_at,
            "injects": [{"key": s["inject"].key, "title": s["inject"].title, "text": s["inject"].text,
                         "due_at": s["due_at"], "revealed_at": s["revealed"].revealed_at if s["revealed"] else None}
                        for s in services.timeline(exercise)],
            "scores": [{"measure": r.measure.key, "title": r.measure.title, "done_at": r.done_at, "due_at": r.due_at,
                        "met": r.met, "words": r.words} for r in scoring.score(exercise)]}


@router.get("/scenarios", response={200: list[ScenarioOut], **PROBLEMS}, auth=READ, summary="The scenario library")
def scenarios(request):
    require(request, Capability.VIEW_REGISTER)
    return [{"key": s.key, "title": s.title, "level": s.level, "summary": s.summary, "source": s.source,
             "injects": [i.title for i in s.injects]} for s in library().values()]


@router.post("", response={201: ExerciseOut, **PROBLEMS}, auth=WRITE,
             summary="Start an exercise: its incident is recorded, flagged as an exercise")
def start(request, body: StartIn):
    require(request, Capability.CLASSIFY)
    return Status(201, _out(services.start(scenario=body.scenario, by=request.user)))


@incident_router.get("/{reference}/exercise", response={200: ExerciseOut, **PROBLEMS}, auth=READ,
                     summary="The exercise of this incident: injects, and the team against the clocks")
def exercise(request, reference: str):
    return _out(services.exercise_of(workspace_of(request, reference)))


@incident_router.post("/{reference}/exercise/reveal", response={200: ExerciseOut, **PROBLEMS}, auth=WRITE,
                      summary="Reveal an inject: its facts change through the normal services")
def reveal(request, reference: str, body: RevealIn):
    exercise = services.exercise_of(workspace_of(request, reference))
    require(request, Capability.CLASSIFY)
    services.reveal(exercise=exercise, inject=body.inject, by=request.user)
    return _out(exercise)


@incident_router.post("/{reference}/exercise/end", response={200: ExerciseOut, **PROBLEMS}, auth=WRITE,
                      summary="End the exercise (it then counts as the yearly tabletop)")
def end(request, reference: str):
    exercise = services.exercise_of(workspace_of(request, reference))
    require(request, Capability.CLASSIFY)
    return _out(services.end(exercise=exercise, by=request.user))


@readiness_router.get("", response={200: ReadinessOut, **PROBLEMS}, auth=READ,
                      summary="Are we ready? The readiness score and each gap with where to fix it")
def readiness(request):
    require(request, Capability.VIEW_REGISTER)
    return assess().as_json()
