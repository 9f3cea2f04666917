"""The assessment core's entry point: facts -> severity, obligations and GDPR recommendation.

Plain Python, no Django: ``incidentdesk assess``, the web app, the API and stored incidents all
call ``assess``. It stores nothing and runs in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .facts import IncidentFacts, unknown_facts
from .gdpr import GdprAssessment, recommend
from .obligations import Obligation, evaluate_obligations
from .rulebook import ObligationRule, Rulebook, default_rulebook
from .severity import Severity, classify


@dataclass
class Assessment:
    severity: Severity
    obligations: list[Obligation]
    gdpr: GdprAssessment
    unknown: list[str]
    rule_versions: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.as_dict(),
            "obligations": [o.as_dict() for o in self.obligations],
            "gdpr": self.gdpr.as_dict(),
            "unknown_facts": self.unknown,
            "rule_versions": self.rule_versions,
        }


def assess(facts: IncidentFacts, *, now: datetime | None = None, rulebook: Rulebook | None = None,
           rules: list[ObligationRule] | None = None) -> Assessment:
    """Assess one incident's facts.

    ``rules`` lets a stored incident be re-assessed with the rule terms it was created with, so a
    later edit of a rule file never silently rewrites its obligations.
    """
    rulebook = rulebook or default_rulebook()
    now = now or datetime.now(UTC)
    severity = classify(facts, rulebook)
    gdpr = recommend(facts, rulebook.enisa, rulebook.edpb)
    obligations = evaluate_obligations(facts, rules if rules is not None else rulebook.obligations,
                                       severity, gdpr, now)
    return Assessment(severity, obligations, gdpr, unknown_facts(facts), rulebook.versions())
