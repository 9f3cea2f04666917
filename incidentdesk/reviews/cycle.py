"""The review cycle: open review tasks when they fall due, complete them by approval or by "no change".

Three causes open a review (``cycle.toml``): the document's next review date comes near (annual), an incident at
level 2 or above is closed (``after_incident_closed``, called by the incidents lifecycle through
``settings.INCIDENT_CLOSED_HOOKS`` in the transaction that closes it), and a rule file of a law that applies to
us has a version other than the one the procedure in force was written with (``law_change_reviews``). The
scheduled pass (``settings.SCHEDULED_PASSES``, each reminder pass) looks for the first and the last. Each cause
opens one review only: the database's unique constraints are the dedup, so two passes at once open one.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from incidentdesk import times
from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.governance import services as governance
from incidentdesk.governance.current import procedure_in_force
from incidentdesk.governance.models import Document, DocumentVersion
from incidentdesk.governance.sources import gather
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Conflict, Forbidden, Refused

from .models import DocumentReview, ReviewReason, ReviewStatus
from .words import describe

CYCLE_FILE = Path(__file__).with_name("cycle.toml")
YEAR = timedelta(days=365)


class ReviewRefused(Refused):
    """The review cannot be completed as asked; the message says why. Nothing was stored."""


@cache
def rules() -> dict[str, Any]:
    return tomllib.loads(CYCLE_FILE.read_text(encoding="utf-8"))


def _today(now: datetime) -> date:
    return now.astimezone(times.zone()).date()


def _sees(user: Any, incident: Incident | None) -> bool:
    return incident is None or Incident.objects.visible_to(user).filter(pk=incident.pk).exists()


def _assignee(doc: Document, incident: Incident | None, by: Any) -> Any:
    """The document's owner; else, or when the owner may not see the incident, the incident's manager or the
    person who closed it; else the first person who may approve the document."""
    candidates = [doc.owner, incident.owner if incident else None, by if getattr(by, "pk", None) else None]
    for person in candidates:
        if person is not None and person.is_active and _sees(person, incident):
            return person
    approvers = governance.approvers(doc)
    return next((p for p in approvers if _sees(p, incident)), None)


def open_review(doc: Document, *, reason: str, due_on: date, by: Any, now: datetime | None = None,
                incident: Incident | None = None, rule_file: str = "",
                rule_version: str = "") -> DocumentReview | None:
    """Open one review task, audited in the same transaction; None when this cause already opened one."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            review = DocumentReview.objects.create(
                document=doc, reason=reason, incident=incident, rule_file=rule_file, rule_version=rule_version,
                assignee=_assignee(doc, incident, by), due_on=due_on, opened_at=now)
            audit.record(action="review.opened", object_type="documentreview", object_id=review.pk, by=by,
                         incident_ref=incident.reference if incident else "", after=audit.snapshot(review),
                         summary=f"Review of the {doc} opened: {describe(review)}")
    except IntegrityError:
        return None  # this cause already opened its review (another pass, a second close after a reopen)
    return review


def after_incident_closed(*, incident: Incident, by: Any) -> DocumentReview | None:
    """Closing an incident at level 2 or above opens a review of the procedure (seed §1: "after each
    triggered incident"). Runs inside the closing transaction: the incident is closed with its review, or not."""
    rule = rules()["incident"]
    if (incident.severity_level or 0) < rule["min_level"]:
        return None
    now = timezone.now()
    doc = governance.document(rule["document"])
    return open_review(doc, reason=ReviewReason.INCIDENT, due_on=_today(now) + timedelta(days=rule["due_days"]),
                       by=by, now=now, incident=incident)


def annual_reviews(now: datetime) -> list[DocumentReview]:
    """Open the annual review of each document whose next review date is near (``open_days_before``)."""
    horizon = _today(now) + timedelta(days=rules()["annual"]["open_days_before"])
    due = Document.objects.filter(next_review_on__isnull=False, next_review_on__lte=horizon)
    opened = [open_review(doc, reason=ReviewReason.ANNUAL, due_on=doc.next_review_on, by=None, now=now)
              for doc in due]
    return [review for review in opened if review]


def law_change_reviews(now: datetime, by: Any = None) -> list[DocumentReview]:
    """A rule file of a law that applies to us now has a version other than the one the procedure in force was
    written with: open a review of the procedure for that version (once). Laws that do not apply to us, and our
    own rule files (severity), open nothing."""
    rule = rules()["law_change"]
    in_force = procedure_in_force()
    written_with = (in_force.sources or {}).get("rules", {}) if in_force else {}
    if not written_with:
        return []  # no procedure in force, or one written by hand: nothing to compare with
    doc = governance.document(rule["document"])
    opened = []
    for regime in gather(now=now).regimes:  # the laws that apply to us now, with their files' versions
        # the procedure's sources name a law by its title (older versions by its key)
        before = written_with.get(regime.title, written_with.get(regime.key))
        if regime.key in rule["not_law"] or before is None or before == regime.version:
            continue
        opened.append(open_review(doc, reason=ReviewReason.LAW_CHANGE, rule_file=regime.key,
                                  rule_version=regime.version,
                                  due_on=_today(now) + timedelta(days=rule["due_days"]), by=by, now=now))
    return [review for review in opened if review]


def scheduled(now: datetime) -> None:
    """The reminder schedule's pass: annual reviews coming due, and reviews after a change in the law."""
    annual_reviews(now)
    law_change_reviews(now)


# --- completing a review ------------------------------------------------------------------------------------

def _locked_open(review: DocumentReview) -> DocumentReview:
    review = (DocumentReview.objects.select_for_update(of=("self",)).select_related("document", "incident")
              .get(pk=review.pk))
    if review.done:
        raise Conflict(f"This review is already done ({review.get_status_display().lower()}).")
    return review


def complete_without_change(review: DocumentReview, *, reason: str, by: Any,
                            now: datetime | None = None) -> DocumentReview:
    """Record "reviewed, no change" with the reason; an annual review moves the next review date a year on."""
    if not can(by, Capability.MANAGE_DOCUMENTS):
        raise Forbidden("Only an administrator or an incident manager may record a document review.")
    if not (reason or "").strip():
        raise ReviewRefused("Reason: say why the document needs no change (what you checked and found).")
    now = now or timezone.now()
    with transaction.atomic():
        review = _locked_open(review)
        before = audit.snapshot(review)
        review.status, review.completed_at, review.completed_by = ReviewStatus.NO_CHANGE, now, by
        review.outcome = reason.strip()
        review.save()
        audit.record(action="review.completed", object_type="documentreview", object_id=review.pk, by=by,
                     incident_ref=review.incident.reference if review.incident else "",
                     before=before, after=audit.snapshot(review),
                     summary=f"Review of the {review.document} done, no change: {review.outcome}")
        if review.reason == ReviewReason.ANNUAL:
            governance.update_document(review.document, by=by, next_review_on=_today(now) + YEAR)
    return review


def complete_by_approval(version: DocumentVersion) -> list[DocumentReview]:
    """An approved version of a document completes the reviews of it opened before the approval (called when the
    approval is saved, in the approval's transaction). Each completion is an audit event naming the approver."""
    done = []
    approved_at = version.approved_at or timezone.now()
    opened_before = DocumentReview.objects.select_for_update().filter(
        document_id=version.document_id, status=ReviewStatus.OPEN, opened_at__lte=approved_at)
    for review in opened_before:  # a review opened after the approval is not answered by it
        before = audit.snapshot(review)
        review.status, review.version = ReviewStatus.CHANGED, version
        review.completed_at, review.completed_by = approved_at, version.approved_by
        review.outcome = f"Version {version.number} approved"
        review.save()
        audit.record(action="review.completed", object_type="documentreview", object_id=review.pk,
                     by=version.approved_by, incident_ref=review.incident.reference if review.incident else "",
                     before=before, after=audit.snapshot(review),
                     summary=f"Review of the {version.document} done: version {version.number} approved")
        done.append(review)
    return done


def due_at(review: DocumentReview) -> datetime:
    """The end of the due day in the organisation's time zone (for "my work" and reminders)."""
    return datetime.combine(review.due_on + timedelta(days=1), time.min, tzinfo=times.zone()) - timedelta(seconds=1)
