"""API: the GDPR breach assessment — the EDPB-based recommendation (ENISA score as one input) and a person's
Art 33/34 decision (the same service as the workspace's decision form; the decision switches the clocks on or off)."""

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, Problem, UtcDateTime, When, choices, require, workspace_of

from . import services as breaches
from .communications import record_communication
from .models import BreachAssessment, SubjectChannel, SubjectCommunication

router = Router(tags=["gdpr"])


class BreachDecisionIn(Schema):
    notify_authority: bool = Field(description="Notify the supervisory authority (Art 33)")
    communicate_subjects: bool = Field(description="Communicate to the data subjects (Art 34)")
    reasons: str = Field(min_length=1, description="Written reasons (Art 33(5): document the breach)")


class FactorOut(Schema):
    key: str = Field(description="The factor's name in the rule file (gdpr.toml [edpb.factors])")
    label: str = Field(description="The factor in plain words")
    finding: str = Field(description="What the facts say about it")
    effect: str = Field(description="removes the risk, raises, lowers, decides, weighed or unknown")
    citation: str = Field(description="Where the EDPB (or the GDPR) describes it")


class BreachOut(Schema):
    outcome: str = Field(description="no_risk, risk or high_risk (EDPB Guidelines 9/2022); the worst case while "
                                     "facts are missing; empty when GDPR may not apply")
    provisional: bool = Field(description="Missing facts could still change the outcome")
    best_case: str = Field(description="The outcome if the missing facts turn out well (empty unless provisional)")
    factors: list[FactorOut] = Field(description="The EDPB factors as they apply, each with its source")
    score: float | None = Field(description="ENISA severity score: one documented input, not the decision")
    band: str = Field(description="ENISA band: low, medium, high or very high (empty when not scored)")
    enisa_reasons: list[str] = Field(description="How the ENISA score was computed")
    recommend_notify_authority: bool | None = Field(description="Recommendation for Art 33 (null: not known)")
    recommend_communicate_subjects: bool | None = Field(description="Recommendation for Art 34 (null: not known)")
    reasons: list[str] = Field(description="Why the recommendation is what it is")
    unknown: list[str] = Field(description="Facts still unknown (fact paths, see docs/facts.md)")
    decided_notify_authority: bool | None = Field(description="A person's decision for Art 33 (null: undecided)")
    decided_communicate_subjects: bool | None = Field(description="A person's decision for Art 34 (null: undecided)")
    decision_reasons: str = Field(description="The reasons written with the decision")
    decided_at: UtcDateTime | None = Field(description="When it was decided (UTC)")


def _assessment(request, incident) -> BreachAssessment:
    row = BreachAssessment.objects.visible_to(request.user).filter(incident=incident).first()
    if row is None:
        raise Problem(404, "Not found", f"{incident.reference} has no breach assessment: no personal data facts")
    return row


@router.get("/{reference}/gdpr-decision", response={200: BreachOut, **PROBLEMS}, auth=READ,
            summary="The GDPR breach recommendation and the decision beside it")
def read_decision(request, reference: str):
    return _assessment(request, workspace_of(request, reference))


@router.post("/{reference}/gdpr-decision", response={200: BreachOut, **PROBLEMS}, auth=WRITE,
             summary="Record a person's Art 33/34 decision (switches the clocks on or off)")
def decide(request, reference: str, body: BreachDecisionIn):
    incident = workspace_of(request, reference)
    require(request, Capability.CLASSIFY)
    breaches.decide_breach(incident=incident, notify_authority=body.notify_authority,
                           communicate_subjects=body.communicate_subjects, reasons=body.reasons, by=request.user)
    return _assessment(request, incident)


# --- Informing the people affected (GDPR Art 34): who was told, when, how, by whom -------------------------


class CommunicationIn(Schema):
    recipients: str = Field(max_length=300, description="The person or group informed, e.g. 'the 120 applicants'")
    people: int | None = Field(None, ge=1, description="How many people, roughly (null: not known)")
    channel: SubjectChannel = Field(description=choices(SubjectChannel))
    informed_at: When = Field(description="When they were informed (with a UTC offset)")
    informed_by: str = Field(max_length=150, description="Who informed them")
    note: str = Field("", description="What they were told, or which letter was used")


class CommunicationOut(Schema):
    id: int
    recipients: str = Field(description="The person or group informed")
    people: int | None = Field(description="How many people, roughly (null: not known)")
    channel: str = Field(description=choices(SubjectChannel))
    informed_at: UtcDateTime = Field(description="When they were informed (UTC)")
    informed_by: str = Field(description="Who informed them")
    note: str = Field(description="What they were told, or which letter was used")


@router.get("/{reference}/subject-communications", response={200: list[CommunicationOut], **PROBLEMS}, auth=READ,
            summary="Who among the people affected was informed (GDPR Art 34)")
def list_communications(request, reference: str):
    incident = workspace_of(request, reference)
    return SubjectCommunication.objects.visible_to(request.user).filter(incident=incident)


@router.post("/{reference}/subject-communications", response={201: CommunicationOut, **PROBLEMS}, auth=WRITE,
             summary="Record that a person or group affected was informed (GDPR Art 34)")
def add_communication(request, reference: str, body: CommunicationIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    data = body.dict() | {"channel": str(body.channel)}
    return Status(201, record_communication(incident=incident, by=request.user, **data))
