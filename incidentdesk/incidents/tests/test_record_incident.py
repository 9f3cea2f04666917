"""Recording an incident stores the register fields, starts its clocks and writes the audit trail."""

from datetime import UTC, datetime

import pytest

from conftest import NOW, table_counts
from incidentdesk.incidents.services import IncidentRefused, record_incident
from incidentdesk.inventory.services import save_tool


def test_it_allocates_sequential_ids_per_year(record):
    first, second = record(), record()
    assert (first.reference, second.reference) == ("INC-2026-001", "INC-2026-002")


def test_the_year_follows_the_organisation_time_zone(record):
    # 23:30 UTC on 31 Dec is already 1 Jan in Brussels.
    incident = record(detected_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    assert incident.reference == "INC-2026-001"


def test_it_computes_a_provisional_severity_and_obligations(record):
    incident = record()
    assert incident.severity_level == 2
    assert incident.provisional
    rules = dict(incident.obligations.values_list("rule_id", "status"))
    assert rules["PROC-4-L2-CORRECT"] == "pending"
    assert rules["GDPR-33-1-SA"] == "not_required"
    assert incident.classifications.get().kind == "provisional"


def test_every_step_is_audited(record):
    incident = record()
    from incidentdesk.audit.models import AuditEvent

    actions = list(AuditEvent.objects.filter(incident_ref=incident.reference).values_list("action", flat=True))
    assert actions[0] == "incident.created"
    assert "obligations.created" in actions
    assert "incident.severity" in actions


def test_a_tool_outside_the_inventory_is_flagged(record, manager):
    save_tool(by=manager, name="ChatGPT Team", risk_class="gpai")
    incident = record(tools=["chatgpt team", "Otter.ai"])
    links = {str(link) for link in incident.tools.all()}
    assert links == {"ChatGPT Team", "Otter.ai (outside inventory)"}
    assert incident.severity_level == 2


BAD = [
    ({"title": ""}, "title"),
    ({"description": "  "}, "description"),
    ({"detection_source": "rumour"}, "detection_source"),
    ({"occurred_at": datetime(2026, 11, 21, tzinfo=UTC)}, "The time it happened is after the detection time"),
    ({"detected_at": datetime(2026, 12, 25, tzinfo=UTC)}, "future"),
    ({"categories": ["aliens"]}, "Categories: choose one of: Model failure"),
    ({"facts": {"harm": {"deth": True}}}, "deth"),
    ({"facts": {"surprise": True}}, "surprise"),
]


@pytest.mark.parametrize(("override", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_refused_and_stores_nothing(record, override, message):
    record()
    before = table_counts()
    with pytest.raises(IncidentRefused, match=message):
        record(**override)
    assert table_counts() == before


def test_a_refused_record_does_not_use_up_an_id(record):
    with pytest.raises(IncidentRefused):
        record(title="")
    assert record().reference == "INC-2026-001"


def test_naive_datetimes_are_refused(organisation, manager):
    with pytest.raises((IncidentRefused, ValueError)):
        record_incident(title="t", description="d", detected_at=datetime(2026, 11, 20, 8), by=manager, now=NOW)
