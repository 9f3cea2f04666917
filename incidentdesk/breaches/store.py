"""Low-level storage of the GDPR breach assessment: the EDPB recommendation and a person's decision.

``incidents.services.reassess`` calls ``store_recommendation``; ``breaches.services.decide_breach``
records a decision and then reassesses. This module imports no service, so there is no import circle.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidentdesk.assessment.gdpr import GdprAssessment
from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Refused

from .models import BreachAssessment


class DecisionRefused(Refused):
    """The decision cannot be recorded; nothing was stored."""


def store_recommendation(*, incident: Incident, gdpr: GdprAssessment, by: Any,
                         new: bool = False) -> BreachAssessment | None:
    """Save the recommendation for incidents that involve (or may involve) personal data.

    ``new``: the incident was recorded in this transaction and has no assessment yet (nothing to read)."""
    existing = None if new else BreachAssessment.objects.filter(incident=incident).first()
    if gdpr.applicable is False and existing is None:
        return None
    row = existing or BreachAssessment(incident=incident)
    old = audit.snapshot(row) if existing else {}
    row.outcome, row.provisional, row.best_case = gdpr.outcome or "", gdpr.provisional, gdpr.best_case or ""
    row.factors, row.enisa_reasons = gdpr.factors, gdpr.enisa_reasons
    row.score, row.band = gdpr.score, gdpr.band or ""
    row.recommend_notify_authority = gdpr.notify_supervisory_authority
    row.recommend_communicate_subjects = gdpr.communicate_to_data_subjects
    row.reasons, row.unknown = gdpr.reasons, gdpr.unknown
    row.save()
    before, after = audit.changed(old, audit.snapshot(row))
    before.pop("updated_at", None)
    after.pop("updated_at", None)
    if after:
        audit.record(action="breach.recommendation", object_type="breachassessment", object_id=row.pk, by=by,
                     incident_ref=incident.reference, before=before or None, after=after)
    return row


def record_decision(*, incident: Incident, notify_authority: bool, communicate_subjects: bool, reasons: str,
                    by: Any) -> BreachAssessment:
    """A person's decision on Art 33(1) and 34(1). It is stored beside, never instead of, the recommendation."""
    ensure_open(incident)
    if not reasons.strip():
        raise DecisionRefused("a GDPR decision needs written reasons (Art 33(5): document the breach)")
    row = BreachAssessment.objects.filter(incident=incident).first()
    if row is None:
        raise DecisionRefused(f"{incident.reference} has no breach assessment: record personal data facts first")
    old = audit.snapshot(row)
    row.decided_notify_authority, row.decided_communicate_subjects = notify_authority, communicate_subjects
    row.decision_reasons, row.decided_at = reasons.strip(), timezone.now()
    row.decided_by = by if getattr(by, "pk", None) else None
    row.save()
    before, after = audit.changed(old, audit.snapshot(row))
    audit.record(action="breach.decided", object_type="breachassessment", object_id=row.pk, by=by,
                 incident_ref=incident.reference, before=before, after=after)
    return row
