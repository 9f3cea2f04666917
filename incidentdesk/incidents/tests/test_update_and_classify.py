"""Changing facts recomputes severity and clocks (logged); classification needs reasoning; no silent downgrade."""

from datetime import UTC, datetime

import pytest

from conftest import NOW, table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.services import IncidentRefused, classify, update_incident


def test_new_facts_recompute_obligations_and_log_the_change(record, manager):
    incident = record(facts={"published_externally": False, "personal_data": {"involved": None}})
    assert incident.obligations.get(rule_id="GDPR-33-1-SA").status == "may_apply"
    update_incident(incident=incident, by=manager, now=NOW, changes={
        "personal_data.involved": True, "personal_data.lost": ["confidentiality"],
        "personal_data.data_categories": ["health"]})
    art33 = incident.obligations.get(rule_id="GDPR-33-1-SA")
    assert art33.status == "pending"
    assert art33.due_at == datetime(2026, 11, 23, 8, tzinfo=UTC)
    event = AuditEvent.objects.filter(action="obligations.recomputed").last()
    assert "GDPR-33-1-SA" in event.data
    assert '"may_apply"' in event.data


def test_a_lower_computed_level_is_held_not_silently_downgraded(record, manager):
    incident = record(facts={"published_externally": True, "personal_data": {"involved": True}})
    assert incident.severity_level == 3
    update_incident(incident=incident, by=manager, now=NOW, changes={"personal_data.involved": False})
    incident.refresh_from_db()
    assert incident.severity_level == 3
    assert incident.classifications.last().kind == "held"
    assert "never lowered silently" in incident.severity_reasons[-1]


def test_a_person_downgrades_with_a_reason_and_it_is_recorded(record, manager):
    incident = record(facts={"published_externally": True, "personal_data": {"involved": True}})
    update_incident(incident=incident, by=manager, now=NOW, changes={"personal_data.involved": False})
    classify(incident=incident, level=2, reasoning="No personal data after all: the export held only ids.",
             by=manager, now=NOW)
    incident.refresh_from_db()
    assert incident.severity_level == 2
    assert incident.classified_at == NOW
    last = incident.classifications.last()
    assert (last.kind, last.previous_level, last.reasoning[:2]) == ("downgrade", 3, "No")
    assert AuditEvent.objects.filter(action="incident.classified.downgrade").exists()


def test_classification_without_reasoning_is_refused_and_stores_nothing(record, manager):
    incident = record()
    before = table_counts()
    with pytest.raises(IncidentRefused, match="reasoning"):
        classify(incident=incident, level=3, reasoning="  ", by=manager, now=NOW)
    with pytest.raises(IncidentRefused, match="level"):
        classify(incident=incident, level=7, reasoning="x", by=manager, now=NOW)
    assert table_counts() == before


def test_definitive_classification_completes_the_24h_clock(record, manager):
    incident = record()
    classify(incident=incident, level=2, reasoning="Published error, corrected.", by=manager, now=NOW)
    assert incident.obligations.get(rule_id="PROC-6-3-CLASSIFY").status == "done"


def test_escalation_is_kept_when_facts_change(record, manager):
    incident = record()
    classify(incident=incident, level=4, reasoning="Regulator interest; treat as serious.", by=manager, now=NOW)
    update_incident(incident=incident, by=manager, now=NOW, changes={"affected_parties": "Many customers"})
    incident.refresh_from_db()
    assert incident.severity_level == 4


def test_new_facts_raise_the_level_past_a_persons_classification(record, manager):
    incident = record()
    classify(incident=incident, level=2, reasoning="Published error.", by=manager, now=NOW)
    update_incident(incident=incident, by=manager, now=NOW, changes={"harm.serious_health_harm": True})
    incident.refresh_from_db()
    assert incident.severity_level == 4


def test_an_unknown_change_is_refused(record, manager):
    incident = record()
    before = table_counts()
    with pytest.raises(IncidentRefused, match="nonsense"):
        update_incident(incident=incident, by=manager, now=NOW, changes={"nonsense": 1})
    with pytest.raises(IncidentRefused, match="The time it happened is after the detection time"):
        update_incident(incident=incident, by=manager, now=NOW,
                        changes={"occurred_at": datetime(2026, 11, 21, tzinfo=UTC)})
    assert table_counts() == before
