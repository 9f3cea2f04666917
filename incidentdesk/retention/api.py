"""API: retention, legal hold, two-person deletion, redaction and subject-access search (seed §8), with the same
services, roles and refusals as the web page and the CLI."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.api_base import PROBLEMS, READ, WRITE, Problem, UtcDateTime, require, workspace_of
from incidentdesk.incidents.models import Incident

from . import redaction, services, subjects
from .models import LegalHold

router = Router(tags=["retention"])           # under /incidents
retention_router = Router(tags=["retention"])  # /retention
subjects_router = Router(tags=["retention"])   # /subject-access


class LegalHoldOut(Schema):
    id: int = Field(description="The hold's id")
    reason: str = Field(description="Why the incident must be kept")
    until: date | None = Field(description="Kept at least until this day; null: until released")
    placed_by: str = Field(description="Who placed it")
    placed_at: UtcDateTime = Field(description="When (UTC)")
    active: bool = Field(description="In force now: it blocks deletion")
    released_by: str = Field(description="Who released it (empty while not released)")
    released_at: UtcDateTime | None = Field(description="When it was released (UTC)")
    release_reason: str = Field(description="Why it was released")


def hold_out(hold: LegalHold | None) -> dict | None:
    """A hold as the API shows it (also inside an incident's detail), or None."""
    if hold is None:
        return None
    return {"id": hold.pk, "reason": hold.reason, "until": hold.until, "placed_by": hold.placed_by_name,
            "placed_at": hold.placed_at, "active": hold.active_on(services.today()),
            "released_by": hold.released_by_name, "released_at": hold.released_at,
            "release_reason": hold.release_reason}


class HoldIn(Schema):
    reason: str = Field(min_length=1, description="The claim, statutory obligation or investigation")
    until: date | None = Field(None, description="Keep at least until this day; omit: until released")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, description="Why")


class ProposalOut(Schema):
    reference: str = Field(description="The incident")
    reason: str = Field(description="Why it should be deleted")
    proposed_by: str = Field(description="Who proposed it")
    proposed_at: UtcDateTime = Field(description="When (UTC)")
    evidence_sha256: list[str] = Field(description="The evidence files' SHA-256 when it was proposed")


class PastRetentionOut(Schema):
    reference: str
    title: str
    detected_at: UtcDateTime
    legal_hold: LegalHoldOut | None = Field(description="The hold in force, which blocks deletion")
    proposal: ProposalOut | None = Field(description="A deletion waiting for a second person")


class DeletedOut(Schema):
    reference: str = Field(description="The incident deleted")
    deleted: bool = True


class RedactIn(Schema):
    passage: str = Field(min_length=1, max_length=500, description="The exact words to redact (case ignored)")
    reason: str = Field(min_length=1, description="Why (e.g. not necessary for handling the incident)")


class RedactedOut(Schema):
    kind: str = Field(description="What kind of record held the text")
    field: str = Field(description="Which text, in words")
    occurrences: int = Field(description="How many times the passage was replaced")


class MentionOut(Schema):
    reference: str
    title: str
    places: list[str] = Field(description="Where the person is mentioned, in words")


def _proposal_out(incident: Incident) -> dict | None:
    proposal = services.open_proposal(incident)
    if proposal is None:
        return None
    return {"reference": incident.reference, "reason": proposal.reason, "proposed_by": proposal.proposed_by_name,
            "proposed_at": proposal.proposed_at, "evidence_sha256": proposal.evidence_sha256}


def _may_see_retention(request) -> None:
    if not (can(request.user, Capability.RETAIN) or can(request.user, Capability.VIEW_AUDIT)):
        raise Problem(403, "Forbidden", "The token owner's role does not allow this (retention)")


@retention_router.get("", response={200: list[PastRetentionOut], **PROBLEMS}, auth=READ,
                      summary="Closed incidents past the retention period, with any hold or pending deletion")
def past_retention(request):
    _may_see_retention(request)
    now = timezone.now()
    visible = Incident.objects.visible_to(request.user).values("pk")
    return [{"reference": i.reference, "title": i.title, "detected_at": i.detected_at,
             "legal_hold": hold_out(services.active_hold(i, now)), "proposal": _proposal_out(i)}
            for i in services.past_retention(now).filter(pk__in=visible)]


@router.get("/{reference}/legal-holds", response={200: list[LegalHoldOut], **PROBLEMS}, auth=READ,
            summary="Legal holds on the incident, in force and released")
def list_holds(request, reference: str):
    incident = workspace_of(request, reference)
    return [hold_out(h) for h in LegalHold.objects.visible_to(request.user).filter(incident=incident)]


@router.post("/{reference}/legal-holds", response={201: LegalHoldOut, **PROBLEMS}, auth=WRITE,
             summary="Place a legal hold: the incident cannot be deleted while it is in force")
def place_hold(request, reference: str, body: HoldIn):
    incident = workspace_of(request, reference)
    require(request, Capability.RETAIN)
    return Status(201, hold_out(services.place_hold(incident=incident, reason=body.reason, until=body.until,
                                                    by=request.user)))


@router.post("/{reference}/legal-holds/{int:hold_id}/release", response={200: LegalHoldOut, **PROBLEMS},
             auth=WRITE, summary="Release a legal hold, with a reason")
def release_hold(request, reference: str, hold_id: int, body: ReasonIn):
    incident = workspace_of(request, reference)
    require(request, Capability.RETAIN)
    hold = LegalHold.objects.visible_to(request.user).filter(pk=hold_id, incident=incident).first()
    if hold is None:
        raise Problem(404, "Not found", f"No legal hold {hold_id} on {incident.reference}")
    return hold_out(services.release_hold(hold=hold, reason=body.reason, by=request.user))


@router.post("/{reference}/deletion", response={201: ProposalOut, **PROBLEMS}, auth=WRITE,
             summary="Propose deleting an incident past its retention period (another administrator confirms)")
def propose_deletion(request, reference: str, body: ReasonIn):
    incident = workspace_of(request, reference)
    require(request, Capability.RETAIN)
    services.propose_deletion(incident=incident, reason=body.reason, by=request.user)
    return Status(201, _proposal_out(incident))


@router.post("/{reference}/deletion/confirm", response={200: DeletedOut, **PROBLEMS}, auth=WRITE,
             summary="Confirm a deletion another person proposed (an administrator); refused under a legal hold")
def confirm_deletion(request, reference: str):
    incident = workspace_of(request, reference)
    require(request, Capability.MANAGE_ORGANISATION)
    services.confirm_deletion(incident=incident, by=request.user)
    return {"reference": incident.reference, "deleted": True}


@router.post("/{reference}/deletion/withdraw", response={200: ProposalOut, **PROBLEMS}, auth=WRITE,
             summary="Withdraw a proposed deletion")
def withdraw_deletion(request, reference: str):
    incident = workspace_of(request, reference)
    require(request, Capability.RETAIN)
    proposal = services.withdraw_deletion(incident=incident, by=request.user)
    return {"reference": incident.reference, "reason": proposal.reason, "proposed_by": proposal.proposed_by_name,
            "proposed_at": proposal.proposed_at, "evidence_sha256": proposal.evidence_sha256}


@router.post("/{reference}/redactions", response={200: list[RedactedOut], **PROBLEMS}, auth=WRITE,
             summary="Redact a passage from every free text of the incident (the original is kept only as a hash)")
def redact(request, reference: str, body: RedactIn):
    incident = workspace_of(request, reference)
    require(request, Capability.RETAIN)
    done = redaction.redact(incident=incident, passage=body.passage, reason=body.reason, by=request.user)
    return [{"kind": d.kind, "field": d.label, "occurrences": d.occurrences} for d in done]


@subjects_router.get("", response={200: list[MentionOut], **PROBLEMS}, auth=READ,
                     summary="Every incident that mentions a person (name or e-mail address); audited")
def subject_access(request, person: str):
    require(request, Capability.RETAIN)
    return [{"reference": m.incident.reference, "title": m.incident.title, "places": m.places}
            for m in subjects.search(term=person, by=request.user)]
