"""Turn a stored incident (plus the organisation profile) into the assessment core's facts."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from incidentdesk.assessment.facts import IncidentFacts, fact_paths
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
    "employee_conduct",
    "potential_liability",
)
TIMESTAMPS = ("detected_at", "occurred_at", "aware_at", "causal_link_suspected_at", "causal_link_established_at",
              "classified_at")
#: Groups of yes/no facts stored in ``Incident.facts`` for one regime each: MDR Art 87 and CRA Art 14.
REGIME_GROUPS = ("medical_device", "product_security")
#: Timestamps stored in ``Incident.facts`` (ISO 8601, UTC) rather than as columns: CRA Art 14(2)(c).
FACT_TIMESTAMPS = ("corrective_measure_available_at",)


class FactsRefused(Refused):
    """The facts do not validate; the message says which field and why."""


#: pydantic's messages for a wrong answer, in plain words ("{...}" filled from the error's context).
PLAIN_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a fact IncidentDesk knows",
    "bool_type": "answer yes, no or unknown", "bool_parsing": "answer yes, no or unknown",
    "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number", "float_parsing": "must be a number",
    "greater_than_equal": "must be {ge} or more", "less_than_equal": "must be {le} or less",
    "string_too_short": "must not be empty",
    "datetime_type": "must be a date and time", "datetime_parsing": "must be a date and time",
    "datetime_from_date_parsing": "must be a date and time",
    "list_type": "must be a list", "string_type": "must be text",
}


def fact_path(loc: tuple) -> str:
    """A pydantic error location as a fact path: ("tools", 0, "high_risk") → "tools[0].high_risk"."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(item: dict[str, Any], path: str) -> str:
    from incidentdesk.assessment import vocabulary

    kind = item.get("type", "")
    if kind in ("literal_error", "enum"):
        base = re.sub(r"\[\d+\]$", "", path)
        answers = [f"{label} ({value})" for value, label in vocabulary.choices(base)]
        if answers:  # the label for the person, the value for the API or file that sent it
            return f"choose one of: {', '.join(answers)}"
    if kind in PLAIN_MESSAGES:
        return PLAIN_MESSAGES[kind].format(**(item.get("ctx") or {}))
    return item["msg"].removeprefix("Value error, ")


def explain(error: ValidationError, payload: dict[str, Any] | None = None) -> str:
    """The errors as a person reads them: each fact by its label, never its field name.

    "detected_at: Input should be a valid datetime" becomes "Detection time: must be a date and time"; a
    tool's fact names the tool ("Is the tool in the AI tool inventory? (tool: HR screener)").
    """
    from incidentdesk.assessment import vocabulary

    tools = [t.get("name", "") for t in (payload or {}).get("tools") or [] if isinstance(t, dict)]
    parts = []
    for item in error.errors():
        path = fact_path(tuple(item["loc"]))
        message = _message(item, path)
        if not path:
            parts.append(message)
            continue
        if item.get("type") == "extra_forbidden":  # the sender's own key: quoted, so they can find it
            parts.append(f"{path!r} {message}")
            continue
        where = vocabulary.describe(re.sub(r"^(categories|personal_data\.[a-z_]+|tools\[\d+\]\.[a-z_]+)\[\d+\]$",
                                           r"\1", path), tools)
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def build(payload: dict[str, Any]) -> IncidentFacts:
    try:
        return IncidentFacts.model_validate(payload)
    except ValidationError as exc:
        raise FactsRefused(explain(exc, payload)) from exc


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
    return [link.tool.as_facts(link.name) if link.tool_id else {"name": link.name, "in_inventory": False}
            for link in links]


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
    from incidentdesk.notifications.acknowledgements import provider_acknowledged_at

    columns = {name: getattr(incident, name) for name in TIMESTAMPS} | {"categories": incident.categories}
    payload = payload_for(columns=columns, stored=incident.facts,
                          tools=tool_facts(incident.tools.select_related("tool")),
                          organisation=Organisation.current().as_facts(), completed=completed,
                          decision=decision, level_override=incident.level_override)
    # AI Act Art 26(5): recorded on the notification to the provider, not on the incident (one truth).
    payload["provider_acknowledged_at"] = provider_acknowledged_at(incident.pk)
    return build(payload)


def known_rows(stored: dict[str, Any]) -> list[tuple[str, str]]:
    """The stored facts that are known, as (label, answer) rows in the vocabulary's words, schema order."""
    from incidentdesk.assessment import vocabulary

    rows = [(vocabulary.label(name), vocabulary.show(name, stored[name]))
            for name in FLAGS if stored.get(name) is not None]
    for group in ("personal_data", "harm", *REGIME_GROUPS):
        values = stored.get(group) or {}
        for path in fact_paths():
            head, _, name = path.partition(".")
            if head == group and name and values.get(name) not in (None, []):
                rows.append((vocabulary.label(path), vocabulary.show(path, values[name])))
    return rows


def still_unknown(incident) -> list[str]:
    """The facts of an incident still unknown, in words, each tool's named ("… (tool: HR screener)")."""
    from incidentdesk.assessment import vocabulary
    from incidentdesk.assessment.facts import unknown_facts

    facts = facts_for(incident)
    return vocabulary.describe_all(unknown_facts(facts), [tool.name for tool in facts.tools])
