"""The MDR and CRA facts are stored with an incident, edited on its form and reach its clocks."""

from datetime import UTC, datetime

import pytest

from conftest import table_counts
from incidentdesk.incidents.services import IncidentRefused, update_incident
from incidentdesk.organisation.services import save_profile

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def manufacturer(organisation):
    return save_profile(by=None, mdr_manufacturer=True, cra_manufacturer=True)


def statuses(incident, prefix):
    return {o.rule_id: o.status for o in incident.obligations.all() if o.rule_id.startswith(prefix)}


def test_an_exploited_vulnerability_recorded_on_an_incident_starts_the_cra_clocks(manufacturer, record, manager):
    incident = record()
    assert set(statuses(incident, "CRA-14-2").values()) == {"may_apply"}
    update_incident(incident=incident, by=manager, now=NOW,
                    changes={"product_security.actively_exploited_vulnerability": True,
                             "product_security.severe_incident": False})
    incident.refresh_from_db()
    assert incident.facts["product_security"] == {"actively_exploited_vulnerability": True, "severe_incident": False}
    clocks = statuses(incident, "CRA-")
    assert clocks["CRA-14-2-A-VULN-EARLY-WARNING"] == "pending"
    assert clocks["CRA-14-4-A-INCIDENT-EARLY-WARNING"] == "not_required"
    warning = incident.obligations.get(rule_id="CRA-14-2-A-VULN-EARLY-WARNING")
    assert warning.due_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # detected 08:00 UTC, no awareness recorded


def test_a_device_fact_is_stored_and_an_unknown_one_refused_storing_nothing(manufacturer, record, manager):
    incident = record()
    update_incident(incident=incident, by=manager, now=NOW,
                    changes={"medical_device.serious_public_health_threat": True})
    incident.refresh_from_db()
    assert incident.facts["medical_device"] == {"serious_public_health_threat": True}
    before = table_counts()
    with pytest.raises(IncidentRefused, match="medical_device.favourite_colour"):
        update_incident(incident=incident, by=manager, now=NOW, changes={"medical_device.favourite_colour": True})
    assert table_counts() == before


def test_the_edit_form_asks_the_new_facts_and_saves_them(manufacturer, record, as_person):
    incident = record()
    client = as_person("manager")
    page = client.get(f"/incidents/{incident.reference}/edit/").content.decode()
    assert "Security of a product we make (Cyber Resilience Act Art 14)" in page
    assert 'name="medical_device__unanticipated_serious_deterioration"' in page
    form = {"title": incident.title, "description": incident.description,
            "detection_source": incident.detection_source, "detected_at": "2026-11-20T09:00",
            "product_security__severe_incident": "yes", "published_externally": "yes",
            "personal_data__involved": "no"}
    response = client.post(f"/incidents/{incident.reference}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident.refresh_from_db()
    assert incident.facts["product_security"]["severe_incident"] is True
    assert statuses(incident, "CRA-14-4-A") == {"CRA-14-4-A-INCIDENT-EARLY-WARNING": "pending"}


def test_the_fix_time_is_stored_in_utc_and_starts_the_final_report(manufacturer, record, manager):
    incident = record(facts={"product_security": {"actively_exploited_vulnerability": True}})
    final = incident.obligations.get(rule_id="CRA-14-2-C-VULN-FINAL")
    assert (final.status, final.due_at) == ("pending", None)
    update_incident(incident=incident, by=manager, now=NOW,
                    changes={"corrective_measure_available_at": "2026-11-20T11:30:00+01:00"})
    incident.refresh_from_db()
    assert incident.facts["corrective_measure_available_at"] == "2026-11-20T10:30:00+00:00"
    final = incident.obligations.get(rule_id="CRA-14-2-C-VULN-FINAL")
    assert final.clock_start_at == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    assert final.due_at == datetime(2026, 12, 4, 10, 30, tzinfo=UTC)


def test_a_fix_time_in_the_future_is_refused_storing_nothing(manufacturer, record, manager):
    incident = record(facts={"product_security": {"actively_exploited_vulnerability": True}})
    before = table_counts() | {"facts": incident.facts}
    with pytest.raises(IncidentRefused, match="fix or mitigation available at .* lies in the future"):
        update_incident(incident=incident, by=manager, now=NOW,
                        changes={"corrective_measure_available_at": "2026-12-20T11:30:00+01:00"})
    incident.refresh_from_db()
    assert table_counts() | {"facts": incident.facts} == before


def test_the_edit_form_shows_and_keeps_the_fix_time_in_the_organisations_time(manufacturer, record, as_person):
    incident = record(facts={"product_security": {"actively_exploited_vulnerability": True},
                             "corrective_measure_available_at": "2026-11-20T10:30:00Z"})
    page = as_person("manager").get(f"/incidents/{incident.reference}/edit/").content.decode()
    assert 'name="corrective_measure_available_at" value="2026-11-20T11:30"' in page  # Brussels time
