"""Retention (seed §8: at least five years, longer for claims, statutory obligations or investigations).

Closed incidents past the organisation's retention period are listed; deleting one takes two people: one
proposes (with a reason), another with the right to confirm (an administrator, not the proposer) confirms.
A legal hold blocks both steps whatever the incident's age. Each act is an audit event that keeps the
evidence hashes, so the chain still proves what was held after the files are gone. A tombstone
(``DeletedIncident``) keeps who may read the deleted incident's history: a restricted incident's events stay
restricted. The triage items that became the incident go with it (their report is the incident's first account).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.incidents.models import DeletedIncident, Incident, Status
from incidentdesk.organisation.models import Organisation
from incidentdesk.refusals import Conflict, Forbidden, NotFound, Refused
from incidentdesk.times import local

from .models import DeletionProposal, LegalHold


class RetentionRefused(Refused):
    """The deletion or hold is not allowed; nothing was changed."""


class HeldRefused(Conflict):
    """A legal hold keeps the incident; nothing was deleted."""


# Defence in depth, whatever the retention setting: an incident detected, closed or changed less than this
# long ago is never deleted (closing sets updated_at, so a recently closed incident is always kept).
MINIMUM_AGE = timedelta(days=1)


def cutoff(now: datetime | None = None) -> datetime:
    """Incidents detected before this moment are past the retention period."""
    now = now or timezone.now()
    years = Organisation.current().retention_years
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def past_retention(now: datetime | None = None):
    """Closed incidents detected before the cutoff, untouched for a day: the only ones that may be deleted
    (a legal hold is checked separately, so the list can show held incidents with their hold)."""
    now = now or timezone.now()
    recent = now - MINIMUM_AGE
    return Incident.objects.filter(status=Status.CLOSED, detected_at__lt=min(cutoff(now), recent),
                                   updated_at__lt=recent).order_by("detected_at")


def today(now: datetime | None = None) -> date:
    """The organisation's date now: a hold "until 31 December" holds through that day where the organisation is."""
    return local(now or timezone.now()).date()


def active_hold(incident: Incident, now: datetime | None = None) -> LegalHold | None:
    """The legal hold in force on the incident now (the latest placed), or None."""
    day = today(now)
    return next((h for h in incident.legal_holds.all() if h.active_on(day)), None)


def open_proposal(incident: Incident) -> DeletionProposal | None:
    return incident.deletion_proposals.filter(withdrawn_at__isnull=True).first()


def _lock(incident: Incident) -> Incident:
    """Lock the incident's row for the rest of the transaction: holds, proposals, confirmations and redactions
    of one incident take turns, so a hold placed while a deletion is confirmed either wins or finds it gone."""
    locked = Incident.objects.select_for_update().filter(pk=incident.pk).first()
    if locked is None:
        raise NotFound(f"{incident.reference} no longer exists (it was deleted).")
    return locked


def _name(user: Any) -> str:
    return audit.actor_name(user)


def _evidence_hashes(incident: Incident) -> list[str]:
    """The evidence files' SHA-256, without their names (a file name can name a person)."""
    return [e.sha256 for e in incident.evidence.order_by("pk")]


# --- legal hold ----------------------------------------------------------------------------------------------

def place_hold(*, incident: Incident, reason: str, by: Any, until: date | None = None,
               now: datetime | None = None) -> LegalHold:
    """Keep the incident (a claim, obligation or investigation): no deletion while the hold is in force."""
    now = now or timezone.now()
    if not can(by, Capability.RETAIN):
        raise Forbidden("Your role does not allow placing a legal hold.")
    if not reason.strip():
        raise RetentionRefused("reason: say why the incident must be kept (the claim, obligation or investigation)")
    if until is not None and until < today(now):
        raise RetentionRefused(f"until: {until} has passed; give a future day, or none to hold until released")
    with transaction.atomic():
        _lock(incident)
        hold = LegalHold.objects.create(incident=incident, reason=reason.strip(), until=until, placed_by=by,
                                        placed_by_name=_name(by), placed_at=now)
        audit.record(action="legal_hold.placed", object_type="legalhold", object_id=hold.pk, by=by,
                     incident_ref=incident.audit_incident_ref, after={"reason": hold.reason, "until": until},
                     summary=f"Legal hold placed on {incident.reference}")
    return hold


def release_hold(*, hold: LegalHold, reason: str, by: Any, now: datetime | None = None) -> LegalHold:
    """End a hold before its date (the claim settled, the investigation closed), with a reason."""
    now = now or timezone.now()
    if not can(by, Capability.RETAIN):
        raise Forbidden("Your role does not allow releasing a legal hold.")
    if not reason.strip():
        raise RetentionRefused("reason: say why the incident no longer needs to be kept")
    with transaction.atomic():
        _lock(hold.incident)
        hold.refresh_from_db()
        if hold.released_at is not None:
            raise Conflict(f"This hold was already released on {local(hold.released_at):%Y-%m-%d}.")
        hold.released_at, hold.released_by_name, hold.release_reason = now, _name(by), reason.strip()
        hold.save(update_fields=["released_at", "released_by_name", "release_reason"])
        audit.record(action="legal_hold.released", object_type="legalhold", object_id=hold.pk, by=by,
                     incident_ref=hold.incident.audit_incident_ref, after={"reason": hold.release_reason},
                     summary=f"Legal hold on {hold.incident.reference} released")
    return hold


# --- two-person deletion -------------------------------------------------------------------------------------

def _deletable(incident: Incident, now: datetime) -> None:
    """Refuse unless the incident is past retention and under no legal hold."""
    hold = active_hold(incident, now)
    if hold is not None:
        until = f" until {hold.until}" if hold.until else " until it is released"
        raise HeldRefused(f"{incident.reference} is under a legal hold{until} (placed by {hold.placed_by_name}: "
                          f"{hold.reason}); it cannot be deleted.")
    if not past_retention(now).filter(pk=incident.pk).exists():
        raise RetentionRefused(f"{incident.reference} is not closed or not yet past the retention period "
                               f"({Organisation.current().retention_years} years)")


def propose_deletion(*, incident: Incident, reason: str, by: Any, now: datetime | None = None) -> DeletionProposal:
    """The first of two people: propose deleting an incident past its retention period."""
    now = now or timezone.now()
    if not can(by, Capability.RETAIN):
        raise Forbidden("Your role does not allow proposing a deletion.")
    if not reason.strip():
        raise RetentionRefused("reason: a deletion needs a reason")
    with transaction.atomic():
        _lock(incident)  # one open proposal, even if two race
        _deletable(incident, now)
        if open_proposal(incident) is not None:
            raise Conflict(f"A deletion of {incident.reference} is already proposed; it waits for a second person.")
        proposal = DeletionProposal.objects.create(
            incident=incident, reason=reason.strip(), proposed_by=by, proposed_by_name=_name(by), proposed_at=now,
            evidence_sha256=_evidence_hashes(incident))
        audit.record(action="incident.deletion_proposed", object_type="incident", object_id=incident.reference,
                     by=by, incident_ref=incident.audit_incident_ref,
                     after={"reason": proposal.reason, "evidence_sha256": proposal.evidence_sha256},
                     summary=f"Deletion of {incident.reference} proposed; a second person must confirm")
    return proposal


def withdraw_deletion(*, incident: Incident, by: Any, now: datetime | None = None) -> DeletionProposal:
    """Withdraw the open proposal (the proposer changed their mind, or the confirmer will not confirm)."""
    now = now or timezone.now()
    if not can(by, Capability.RETAIN):
        raise Forbidden("Your role does not allow withdrawing a deletion.")
    with transaction.atomic():
        _lock(incident)
        proposal = open_proposal(incident)
        if proposal is None:
            raise Conflict(f"No deletion of {incident.reference} is proposed.")
        proposal.withdrawn_at, proposal.withdrawn_by_name = now, _name(by)
        proposal.save(update_fields=["withdrawn_at", "withdrawn_by_name"])
        audit.record(action="incident.deletion_withdrawn", object_type="incident", object_id=incident.reference,
                     by=by, incident_ref=incident.audit_incident_ref,
                     summary=f"Proposed deletion of {incident.reference} withdrawn")
    return proposal


def confirm_deletion(*, incident: Incident, by: Any, now: datetime | None = None) -> None:
    """The second person: an administrator other than the proposer deletes the incident, its evidence files and
    the triage items that became it. The audit event keeps the summary and the evidence hashes."""
    now = now or timezone.now()
    if not can(by, Capability.MANAGE_ORGANISATION):
        raise Forbidden("Only an administrator confirms a deletion.")
    with transaction.atomic():
        _lock(incident)  # a hold placed or a second confirmation meanwhile waits, then finds the incident gone
        proposal = open_proposal(incident)
        if proposal is None:
            raise Conflict(f"Nobody has proposed deleting {incident.reference}; a deletion takes two people: "
                           "one proposes, another confirms.")
        if proposal.proposed_by_id == getattr(by, "pk", None):
            raise Forbidden(f"You proposed deleting {incident.reference}; another person must confirm it.")
        _deletable(incident, now)
        files = _delete(incident, proposal, by=by, now=now)
    for handle in files:  # after the commit: a failed deletion leaves the files in place
        handle.storage.delete(handle.name)


def _delete(incident: Incident, proposal: DeletionProposal, *, by: Any, now: datetime) -> list[Any]:
    """Delete the incident in the caller's transaction; return its evidence files, to remove after the commit."""
    files = [e.file for e in incident.evidence.all()]
    summary = {"reference": incident.reference, "title": incident.title, "detected_at": incident.detected_at,
               "severity_level": incident.severity_level, "restricted": incident.restricted,
               "evidence_sha256": _evidence_hashes(incident)}
    _tombstone(incident, now)
    for evidence in incident.evidence.all():
        evidence.custody.all().delete()
    incident.evidence.all().delete()
    incident.triage.all().delete()
    incident.delete()
    audit.record(action="incident.deleted", object_type="incident", object_id=summary["reference"], by=by,
                 incident_ref=summary["reference"], before=summary,
                 after={"reason": proposal.reason, "proposed_by": proposal.proposed_by_name,
                        "proposed_at": proposal.proposed_at, "confirmed_by": _name(by)})
    return files


def _tombstone(incident: Incident, now: datetime) -> DeletedIncident:
    """Keep the deleted incident's restriction (in the deletion's transaction, before the delete)."""
    kept = DeletedIncident.objects.create(reference=incident.reference, restricted=incident.restricted,
                                          triage_items=sorted(incident.triage.values_list("pk", flat=True)),
                                          deleted_at=now)
    kept.named.set(incident.access.values_list("user_id", flat=True))
    return kept
