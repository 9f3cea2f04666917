"""API: the register — list with the register's filters, record, read, change facts, classify, move
through the lifecycle, obligations, and the what-if assessment."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.api_base import PROBLEMS, READ, WRITE, Problem, RegisterCursor, When, may_read, person, person_name
from incidentdesk.assessment import IncidentFacts, assess
from incidentdesk.retention.api import LegalHoldOut, hold_out
from incidentdesk.retention.services import active_hold

from . import lifecycle, savedviews, section8
from . import services as incidents
from .filters import CATEGORY_CHOICES, EXERCISE_CHOICES, PERIOD_CHOICES, REGIME_CHOICES, STATUS_CHOICES, RegisterFilter
from .models import Incident

router = Router(tags=["incidents"])


class IncidentSummary(Schema):
    reference: str
    title: str
    status: str
    severity_level: int
    provisional: bool
    detected_at: datetime
    categories: list[str]
    restricted: bool
    owner: str | None = Field(None, description="Username of the incident's owner (the incident manager who runs it)")
    tags: list[str] = Field(default_factory=list, description="Tags, see /api/incidents/{reference}/tags")

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return obj.get("owner") if isinstance(obj, dict) else person_name(obj.owner)


    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        if isinstance(obj, dict):
            return obj.get("tags", [])
        return sorted(tag.name for tag in obj.tags.all())


class OwnerIn(Schema):
    owner: str | None = Field(description="Username (or full name) of the new owner, an incident manager or "
                                          "administrator who can see the incident; null: no one")


class ObligationOut(Schema):
    rule_id: str
    rule_version: str
    regime: str
    action: str
    recipient: str
    citation: str
    clock_start_event: str
    clock_start_at: datetime | None
    due_at: datetime | None
    legal_latest_at: datetime | None
    status: str = Field(description="pending, overdue, may_apply, done or not_required")
    reasons: list[str]
    completed_at: datetime | None
    our_reading: str = Field("", description="Where the deadline rests on our interpretation rather than the "
                                             "text of the law, that reading in plain words; empty otherwise")


class IncidentOut(IncidentSummary):
    description: str
    detection_source: str
    occurred_at: datetime | None
    aware_at: datetime | None
    causal_link_suspected_at: datetime | None
    causal_link_established_at: datetime | None
    classified_at: datetime | None
    severity_reasons: list[str]
    severity_reasoning: str
    data_classes: list[str] = Field(description=(
        "Derived, read-only: the kinds of personal data concerned, i.e. personal_data.data_categories then "
        "personal_data.other_data_categories"))
    affected_parties: str
    facts: dict[str, Any]
    tools: list[str]
    actions_taken: str = Field(description="Derived, read-only: the containment actions, one per line")
    rca_outcome: str = Field(description="Derived, read-only: why and what changes, once the RCA is completed")
    resulting_changes: str = Field(description="Derived, read-only: the accepted lessons' change-log lines")
    obligations: list[ObligationOut]
    legal_hold: LegalHoldOut | None = Field(description="The legal hold in force (it blocks deletion), or null")


class IncidentWritten(Schema):
    """What a write produced, for a token without the read scope: not the incident it wrote to."""

    reference: str
    status: str
    changed: list[str] = Field(description="What this call changed: fact names (group.name) or fields")


class IncidentIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    detected_at: When
    detection_source: str = "own_observation"
    occurred_at: When | None = None
    aware_at: When | None = None
    causal_link_established_at: When | None = None
    tools: list[str] = []
    categories: list[str] = []
    data_classes: list[str] = Field(default_factory=list, description=(
        "Kinds of personal data, added to personal_data.data_categories: listed names (and common synonyms such as "
        "'email') become categories, other words are kept in personal_data.other_data_categories"))
    affected_parties: str = ""
    facts: dict[str, Any] = Field(default_factory=dict, description="See docs/facts.md; null means unknown")


class Changes(Schema):
    changes: dict[str, Any] = Field(
        json_schema_extra={"minProperties": 1},  # refused by update_facts with a plain "nothing to change"
        description='Columns by name and facts as group.name, e.g. {"harm.death": false, "personal_data.records": 120}'
    )


class TransitionIn(Schema):
    to: Literal["detected", "contained", "classified", "notified", "investigating", "resolved", "closed"]
    reason: str = ""


class ClassifyIn(Schema):
    level: int = Field(ge=1, le=4, strict=True, description="1 Minor … 4 Serious; a JSON integer (true is not 1)")
    reasoning: str = Field(min_length=1)




#: A day of the register filter: YYYY-MM-DD, or empty for no bound (as the web form sends it).
_DAY = WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}],
                       "description": "YYYY-MM-DD in the organisation's time zone (empty: no bound)"})


def _one_of(choices) -> Any:
    """The register filter's choices as the query parameter's enum, so the document lists what it accepts."""
    return Literal[tuple(value for value, _ in choices)]


class RegisterQuery(Schema):
    q: str | None = None
    status: _one_of(STATUS_CHOICES) | None = None
    severity: int | None = Field(None, ge=1, le=4)
    severity_min: int | None = Field(None, ge=1, le=4)
    category: _one_of(CATEGORY_CHOICES) | None = None
    tool: str | None = Field(None, description="Part of a tool's name, any case")
    owner: str | None = Field(None, description="A username, 'me' (the token's owner) or 'nobody'")
    tag: str | None = Field(None, description="A tag, any case")
    period: _one_of(PERIOD_CHOICES) | None = Field(None, description="Detected in this period (organisation's time)")
    detected_from: Annotated[str | None, _DAY] = None
    detected_to: Annotated[str | None, _DAY] = None
    regime: _one_of(REGIME_CHOICES) | None = None
    overdue: bool | None = None
    exercises: _one_of(EXERCISE_CHOICES[1:]) | None = Field(
        None, description="Exercises are left out unless asked for: include, or only")



def _incident(request: HttpRequest, reference: str) -> Incident:
    incident = Incident.objects.visible_to(request.user).filter(reference=reference.strip().upper()).first()
    if incident is None:
        raise Problem(404, "Not found", f"No incident {reference} that this token can see")
    return incident


def _require(request: HttpRequest, capability: Capability) -> None:
    if not can(request.user, capability):
        raise Problem(403, "Forbidden", f"The token owner's role does not allow this ({capability.value})")


def _out(incident: Incident, user: Any) -> dict[str, Any]:
    """The incident as ``user`` may see it: its obligations through the access policy (a reporter
    follows the status of its reports, not their clocks)."""
    from django.utils import timezone

    from incidentdesk.obligations.models import Obligation

    now = timezone.now()
    derived = section8.texts(incident)  # read-only: written from the step records, never stored
    data = {
        field: getattr(incident, field)
        for field in IncidentOut.model_fields
        if field not in ("tools", "obligations", "provisional", "owner", "legal_hold", "tags", *derived)
    }
    data["owner"] = person_name(incident.owner)
    data["tags"] = sorted(tag.name for tag in incident.tags.all())
    data |= derived
    data["provisional"] = incident.provisional
    data["tools"] = [str(t) for t in incident.tools.all()]
    data["obligations"] = [
        {**{f: getattr(o, f) for f in ObligationOut.model_fields if f != "status"}, "status": o.shown_status(now)}
        for o in Obligation.objects.visible_to(user).filter(incident=incident).select_related("snapshot")
        .order_by("due_at")
    ]
    data["legal_hold"] = hold_out(active_hold(incident, now))
    if not can(user, Capability.VIEW_WORKSPACE):
        data |= DELIBERATION_HIDDEN  # a reporter follows the status of its report, never the deliberation
    return data


def _written(request: HttpRequest, incident: Incident, changed: list[str]) -> dict[str, Any]:
    """The answer to a write: the incident (as its reader sees it) for a token that may read; otherwise only
    the reference, the status and what changed (decisions: a write-only token does not read)."""
    if may_read(request):
        return _out(incident, request.user)
    return {"reference": incident.reference, "status": incident.status, "changed": changed}


#: What a person without the workspace (the reporter) reads as empty: the handlers' reasoning and work.
DELIBERATION_HIDDEN: dict[str, Any] = {"severity_reasons": [], "severity_reasoning": "", "actions_taken": "",
                                       "rca_outcome": "", "resulting_changes": "", "obligations": [],
                                       "legal_hold": None}


@router.get(
    "", response={200: list[IncidentSummary], **PROBLEMS}, auth=READ, summary="List the register (newest first)"
)
@paginate(RegisterCursor, ordering=("-detected_at", "-id"), page_size=50)
def list_incidents(request, filters: Query[RegisterQuery]):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    form = RegisterFilter.for_person(params, request.user)
    if not form.is_valid():
        raise Problem(422, "Invalid filter", "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return form.qs.select_related("owner").prefetch_related("tags")


WRITTEN = IncidentOut | IncidentWritten  # the second for a token without the read scope


@router.post("", response={201: WRITTEN, **PROBLEMS}, auth=WRITE, summary="Record an incident")
def record(request, body: IncidentIn):
    _require(request, Capability.RECORD)
    incident = incidents.record_incident(by=request.user, **body.dict())
    return Status(201, _written(request, incident, ["recorded"]))


@router.get(
    "/{reference}", response={200: IncidentOut, **PROBLEMS}, auth=READ, summary="One incident with its obligations"
)
def read(request, reference: str):
    return _out(_incident(request, reference), request.user)


@router.patch(
    "/{reference}/facts", response={200: WRITTEN, **PROBLEMS}, auth=WRITE, summary="Change facts; clocks recompute"
)
def update_facts(request, reference: str, body: Changes):
    incident = _incident(request, reference)
    _require(request, Capability.EDIT)
    if not body.changes:  # an empty change read back the whole incident with a write-only token
        raise Problem(422, "Invalid request", "changes: nothing to change; name at least one fact or field")
    incidents.update_incident(incident=incident, by=request.user, changes=body.changes)
    return _written(request, incident, sorted(body.changes))


@router.post(
    "/{reference}/classify", response={200: WRITTEN, **PROBLEMS}, auth=WRITE, summary="Definitive classification"
)
def classify(request, reference: str, body: ClassifyIn):
    incident = _incident(request, reference)
    _require(request, Capability.CLASSIFY)
    incidents.classify(incident=incident, level=body.level, reasoning=body.reasoning, by=request.user)
    return _written(request, incident, ["severity_level", "severity_reasoning"])


@router.post(
    "/{reference}/transition",
    response={200: WRITTEN, **PROBLEMS},
    auth=WRITE,
    summary="Move through the lifecycle (409 lists what is missing)",
)
def transition(request, reference: str, body: TransitionIn):
    incident = _incident(request, reference)
    _require(request, Capability.EDIT)
    lifecycle.transition(incident=incident, to=body.to, reason=body.reason, by=request.user)
    return _written(request, incident, ["status"])


@router.put("/{reference}/owner", response={200: WRITTEN, **PROBLEMS}, auth=WRITE,
            summary="Make a person the incident's owner (its incident manager)")
def set_owner(request, reference: str, body: OwnerIn):
    incident = _incident(request, reference)
    _require(request, Capability.CLASSIFY)
    incidents.set_owner(incident=incident, owner=person(body.owner), by=request.user)
    return _written(request, incident, ["owner"])


@router.get(
    "/{reference}/obligations",
    response={200: list[ObligationOut], **PROBLEMS},
    auth=READ,
    summary="Obligations and clocks",
)
def obligations(request, reference: str):
    incident = _incident(request, reference)
    _require(request, Capability.VIEW_WORKSPACE)
    return _out(incident, request.user)["obligations"]


assess_router = Router(tags=["assessment"])


@assess_router.post(
    "",
    response={200: dict[str, Any], **PROBLEMS},
    auth=READ,
    summary="What-if: assess facts and store nothing (same as `incidentdesk assess`)",
)
def assess_facts(request, facts: IncidentFacts):
    return assess(facts).as_dict()


views_router = Router(tags=["incidents"])


class SavedViewIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    filters: dict[str, str] = Field(description="The register list's query parameters, e.g. {\"owner\": \"me\"}")
    shared: bool = Field(False, description="Share with everyone (incident managers and administrators only)")


class SavedViewOut(Schema):
    id: int | None = Field(description="Empty for a built-in view")
    name: str
    filters: dict[str, str]
    shared: bool
    built_in: bool


def _view_out(view: savedviews.View) -> dict[str, Any]:
    return {"id": view.pk, "name": view.name, "filters": view.params, "shared": view.shared,
            "built_in": view.built_in}


@views_router.get("", response={200: list[SavedViewOut], **PROBLEMS}, auth=READ,
                  summary="Saved views of the register: built-in, yours, and those shared with everyone")
def list_views(request):
    _require(request, Capability.VIEW_REGISTER)
    return [_view_out(v) for v in savedviews.views_for(request.user)]


@views_router.post("", response={201: SavedViewOut, **PROBLEMS}, auth=WRITE, summary="Save a view of the register")
def save_view(request, body: SavedViewIn):
    _require(request, Capability.VIEW_REGISTER)
    row = savedviews.save_view(user=request.user, name=body.name, params=body.filters, shared=body.shared)
    return Status(201, {"id": row.pk, "name": row.name, "filters": row.params, "shared": row.shared,
                        "built_in": False})


@views_router.delete("/{int:view_id}", response={204: None, **PROBLEMS}, auth=WRITE, summary="Delete one of your views")
def delete_view(request, view_id: int):
    _require(request, Capability.VIEW_REGISTER)
    savedviews.delete_view(user=request.user, pk=view_id)
    return Status(204, None)
