"""Build facts for tests: a Belgian deployer by default, every other fact unknown unless given."""

from datetime import UTC, datetime
from typing import Any

from incidentdesk.assessment.facts import IncidentFacts

BELGIAN_DEPLOYER = {"name": "Test BV", "country": "BE", "time_zone": "Europe/Brussels", "ai_act_role": "deployer",
                    "nis2_entity": False, "dora_financial_entity": False, "sb53_frontier_developer": False,
                    "raise_frontier_developer": False, "gpai_systemic_risk_provider": False}
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def make(detected_at: str = "2026-11-20T09:00:00+01:00", organisation: dict | None = None, **facts: Any) -> IncidentFacts:
    return IncidentFacts.model_validate(
        {"detected_at": detected_at, "organisation": BELGIAN_DEPLOYER | (organisation or {})} | facts)


def by_id(assessment, rule_id: str):
    return next(o for o in assessment.obligations if o.rule_id == rule_id)
