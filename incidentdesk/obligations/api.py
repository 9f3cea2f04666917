"""Obligations through the API: settle one by hand (``POST /api/incidents/{reference}/obligations/{rule_id}/settle``),
and the law change (``GET /api/law-change`` to preview, ``POST /api/law-change/apply`` to apply)."""

from datetime import date

from django.utils import timezone
from ninja import Field, Router, Schema

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.api_base import (
    PROBLEMS,
    READ,
    WRITE,
    AssigneeIn,
    Problem,
    UtcDateTime,
    When,
    person,
    person_name,
    require,
    workspace_of,
)
from incidentdesk.incidents.api import ObligationOut
from incidentdesk.incidents.models import Incident

from . import lawchange, services
from .models import Obligation

router = Router(tags=["obligations"])


class SettleIn(Schema):
    reason: str = Field(description="Why it is settled, e.g. \"not applicable because …\" (required)")
    at: When | None = Field(None, description="When it was settled (default: now)")


class SettledOut(ObligationOut):
    settlement: str = Field(description="act (by the act that fulfils it), hand (by a person, with a reason), "
                                        "or empty while open")
    settled_reason: str
    assignee: str | None = Field(None, description="Username of the person who meets this clock")


def _out(obligation: Obligation) -> dict:
    data = {f: getattr(obligation, f) for f in SettledOut.model_fields if f not in ("status", "assignee")}
    data["assignee"] = person_name(obligation.assignee)
    return data | {"status": obligation.shown_status(timezone.now())}


@router.post("/{reference}/obligations/{rule_id}/settle", response={200: SettledOut, **PROBLEMS}, auth=WRITE,
             summary="Settle an obligation by hand, with a reason")
def settle(request, reference: str, rule_id: str, body: SettleIn):
    incident = Incident.objects.visible_to(request.user).filter(reference=reference.strip().upper()).first()
    if incident is None:
        raise Problem(404, "Not found", f"No incident {reference} that this token can see")
    if not can(request.user, Capability.CLASSIFY):
        raise Problem(403, "Forbidden", f"The token owner's role does not allow this ({Capability.CLASSIFY.value})")
    obligation = services.obligation_of(incident, rule_id)
    return _out(services.settle(obligation=obligation, reason=body.reason, at=body.at, by=request.user))


@router.put("/{reference}/obligations/{rule_id}/assignee", response={200: SettledOut, **PROBLEMS}, auth=WRITE,
            summary="Give a clock to the person who meets it (its due time is the law's)")
def assign(request, reference: str, rule_id: str, body: AssigneeIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    obligation = services.obligation_of(incident, rule_id)
    return _out(services.assign(obligation=obligation, assignee=person(body.assignee), by=request.user))


# --- the law change: GET /api/law-change (preview), POST /api/law-change/apply ---------------------------------

law_change_router = Router(tags=["obligations"])


class RuleFileOut(Schema):
    regime: str = Field(description="The regime the rule file holds (nis2, dora, internal, …)")
    title: str = Field(description="The rule file's title")
    version: str = Field(description="Its current version (empty when the file is gone)")
    last_checked: date | None = Field(description="When it was last checked against the official text")
    computed_with: list[str] = Field(description="The earlier versions open incidents were computed with")


class ClockChangeOut(Schema):
    rule_id: str
    action: str
    citation: str
    kind: str = Field(description="moves (new target or legal latest), appears, disappears, changes (status "
                                  "only) or version (the same clock under a new rule version)")
    version_before: str
    version_after: str
    status_before: str
    status_after: str
    due_before: UtcDateTime | None
    due_after: UtcDateTime | None
    legal_before: UtcDateTime | None
    legal_after: UtcDateTime | None
    our_reading: str = Field(description="Where the new deadline rests on our interpretation, that reading")


class PendingIncidentOut(Schema):
    reference: str
    title: str
    severity_level: int
    would_change: bool = Field(description="True when a clock moves, appears, disappears or changes status")
    changes: list[ClockChangeOut]


class LawChangeOut(Schema):
    changed_on: date | None = Field(description="The latest last-checked date of the changed rule files")
    files: list[RuleFileOut]
    incidents: list[PendingIncidentOut] = Field(description="Open incidents computed with earlier rule versions")


class ApplyIn(Schema):
    references: list[str] = Field(min_length=1, description=(
        "The incidents to apply the change to (INC-…). To apply it to all, name every incident the preview "
        "listed: an incident that became pending after you looked is then not changed unseen"))


class AppliedOut(Schema):
    reevaluated: list[str] = Field(description="The incidents re-evaluated with the current rule files")


@law_change_router.get("", response={200: LawChangeOut, **PROBLEMS}, auth=READ,
                       summary="Law change: which open incidents the current rule files would change")
def law_change_preview(request):
    require(request, Capability.CLASSIFY)
    return lawchange.preview(request.user).as_dict()


@law_change_router.post("/apply", response={200: AppliedOut, **PROBLEMS}, auth=WRITE,
                        summary="Apply the law change to the incidents named")
def law_change_apply(request, body: ApplyIn):
    require(request, Capability.CLASSIFY)
    return {"reevaluated": lawchange.apply(by=request.user, references=body.references)}
