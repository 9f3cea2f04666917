"""Turn a stored incident (plus the organisation profile) into the assessment core's facts."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from incidentdesk.assessment.facts import IncidentFacts
from incidentdesk.obligations.acts import completed_by_acts
from incidentdesk.refusals import Refused

#: Yes/no facts stored in ``Incident.facts`` (null = unknown), besides ``personal_data`` and ``harm``.
FLAGS = (
    "published_externally",
    "caught_in_review",
    "client_data_affected",
    "automated_decision_without_human_review",
    "significant_incident",
    "major_ict_incident",
    "clients_financial_interests_affected",
)
TIMESTAMPS = ("detected_at", "occurred_at", "aware_at", "causal_link_established_at", "classified_at")
#: Groups of yes/no facts stored in ``Incident.facts`` for one regime each: MDR Art 87 and CRA Art 14.
REGIME_GROUPS = ("medical_device", "product_security")
#: Timestamps stored in ``Incident.facts`` (ISO 8601, UTC) rather than as columns: CRA Art 14(2)(c).
FACT_TIMESTAMPS = ("corrective_measure_available_at",)


class FactsRefused(Refused):
    """The facts do not validate; the message says which field and why."""


def explain(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "facts"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def build(payload: dict[str, Any]) -> IncidentFacts:
    try:
        return IncidentFacts.model_validate(payload)
    except ValidationError as exc:
        raise FactsRefused(explain(exc)) from exc


def payload_for(*, columns: dict[str, Any], stored: dict[str, Any], tools: list[dict[str, Any]],
                organisation: dict[str, Any], completed: dict[str, Any], decision: dict[str, Any] | None,
                level_override: int | None) -> dict[str, Any]:
    payload: dict[str, Any] = {name: columns.get(name) for name in TIMESTAMPS}
    payload["categories"] = columns.get("categories") or []
    payload.update({name: stored.get(name) for name in FLAGS})
    payload["personal_data"] = stored.get("personal_data") or {}
    payload["harm"] = stored.get("harm") or {}
    payload.update({group: stored.get(group) or {} for group in REGIME_GROUPS})
    payload.update({name: stored.get(name) for name in FACT_TIMESTAMPS})
    payload.update(organisation=organisation, tools=tools, completed=completed, level_override=level_override)
    if decision:
        payload["gdpr_decision"] = decision
    return payload


def tool_facts(links) -> list[dict[str, Any]]:
    return [{"name": link.name, "in_inventory": link.tool_id is not None,
             "high_risk": link.tool.high_risk if link.tool_id else None} for link in links]


def facts_for(incident) -> IncidentFacts:
    """The facts of a stored incident, as the assessment core reads them."""
    from incidentdesk.organisation.models import Organisation

    completed = {o.rule_id: o.completed_at for o in incident.obligations.all() if o.completed_at}
    # An act already on record (a containment action) completes an obligation that applies only later.
    completed = completed_by_acts(incident.pk) | completed
    from incidentdesk.breaches.models import BreachAssessment

    # Read fresh: the cached reverse relation may predate a decision recorded a moment ago.
    breach = BreachAssessment.objects.filter(incident_id=incident.pk).first()
    decision = None
    if breach and breach.decided_at:
        decision = {"notify_supervisory_authority": breach.decided_notify_authority,
                    "communicate_to_data_subjects": breach.decided_communicate_subjects,
                    "reasons": breach.decision_reasons}
    columns = {name: getattr(incident, name) for name in TIMESTAMPS} | {"categories": incident.categories}
    return build(payload_for(columns=columns, stored=incident.facts,
                             tools=tool_facts(incident.tools.select_related("tool")),
                             organisation=Organisation.current().as_facts(), completed=completed,
                             decision=decision, level_override=incident.level_override))
