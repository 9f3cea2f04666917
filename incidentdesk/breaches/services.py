"""A person's GDPR Art 33/34 decision, then the clocks it switches on or off.

Storage (the recommendation, the decision row) is in ``breaches.store``; this module reassesses the
incident, so it imports ``incidents.services`` and nothing there imports this module.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.obligations import services as obligations

from .store import DecisionRefused, record_decision

__all__ = ["DecisionRefused", "decide_breach"]


def decide_breach(*, incident: Incident, notify_authority: bool, communicate_subjects: bool, reasons: str,
                  by: Any) -> None:
    """Record the decision and reassess, in one transaction."""
    ensure_open(incident)
    with transaction.atomic():
        record_decision(incident=incident, notify_authority=notify_authority,
                        communicate_subjects=communicate_subjects, reasons=reasons, by=by)
        incidents.reassess(incident=incident, by=by)
        # The decision, with its reasons, is the level 3 "assessment against Art 33 and 34" (seed §4).
        obligations.settle_by_act(incident=incident, rule_id=obligations.GDPR_ASSESSMENT_RULE, at=timezone.now(),
                                  by=by, how="GDPR Art 33/34 decision recorded with reasons")
