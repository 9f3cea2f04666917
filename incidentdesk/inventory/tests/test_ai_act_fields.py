"""The inventory says which annex makes a tool high-risk, our role for it, and the Art 73(9)-(10) facts."""

import pytest

from conftest import table_counts
from incidentdesk.incidents.facts import facts_for
from incidentdesk.inventory.models import AITool
from incidentdesk.inventory.services import ToolRefused, save_tool


def test_the_annex_is_part_of_the_risk_class_so_they_cannot_disagree(manager):
    tool = save_tool(by=manager, name="Screening model", risk_class="high_risk_annex_iii", ai_act_role="provider",
                     equivalent_reporting=True)
    assert (tool.high_risk, tool.annex) == (True, "annex_iii")
    assert tool.as_facts("Screening model") == {
        "name": "Screening model", "in_inventory": True, "annex": "annex_iii", "high_risk": True,
        "role": "provider", "medical_device": None, "equivalent_reporting": True}
    legacy = save_tool(by=manager, name="Old entry", risk_class="high_risk")
    assert (legacy.high_risk, legacy.annex) == (True, None)  # high-risk, annex not recorded yet
    assert save_tool(by=manager, name="Chat", risk_class="limited").annex == "not_high_risk"


def test_an_incident_reads_the_tools_annex_and_role_from_the_inventory(record, manager):
    save_tool(by=manager, name="Infusion advisor", risk_class="high_risk_annex_i", medical_device=True)
    incident = record(tools=["Infusion advisor"])
    tool = facts_for(incident).tools[0]
    assert (tool.annex, tool.high_risk, tool.medical_device) == ("annex_i", True, True)
    assert tool.role == "deployer"  # the profile's role: the tool has none of its own
    assert tool.sector_limited


@pytest.mark.parametrize("change", [{"risk_class": "high_risk_annex_ii"}, {"ai_act_role": "importer"}])
def test_bad_values_are_refused_and_nothing_is_stored(db, manager, change):
    tool = save_tool(by=manager, name="Bot", risk_class="minimal")
    before = table_counts() | {"tool": list(AITool.objects.values())}
    with pytest.raises(ToolRefused):
        save_tool(by=manager, tool=tool, **change)
    assert table_counts() | {"tool": list(AITool.objects.values())} == before


def test_the_form_and_page_show_the_annex_and_the_role(as_person):
    client = as_person("manager")
    response = client.post("/inventory/add/", {"name": "Credit scorer", "risk_class": "high_risk_annex_iii",
                                               "ai_act_role": "", "medical_device": "unknown",
                                               "equivalent_reporting": "true", "approved": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    tool = AITool.objects.get(name="Credit scorer")
    assert (tool.ai_act_role, tool.medical_device, tool.equivalent_reporting) == ("", None, True)
    page = client.get(f"/inventory/{tool.pk}/").content.decode()
    assert "High-risk: a use case under Annex III" in page
    assert "As on the organisation profile" in page


def test_the_api_takes_the_new_fields(as_person, people):
    from incidentdesk.accounts.tokens import create_token

    _, secret = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=people["manager"])
    response = as_person("manager").post("/api/inventory", {"name": "Triage", "risk_class": "high_risk_annex_i",
                                                             "ai_act_role": "both", "medical_device": True},
                                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201, response.content
    assert response.json()["risk_class"] == "high_risk_annex_i"
    assert AITool.objects.get(name="Triage").medical_device is True


def test_changing_a_tools_facts_recomputes_its_open_incidents(organisation, manager):
    """Found by review: the facts read each tool live, but only newly linked incidents were reassessed, so marking a
    tool as a medical device (or limiting it under Art 73(9)-(10)) left its open incidents' clocks stale."""
    from datetime import UTC, datetime

    from incidentdesk.incidents.services import record_incident
    from incidentdesk.inventory.services import save_tool
    from incidentdesk.organisation.services import save_profile

    aware = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    save_profile(by=manager, mdr_manufacturer=True)
    tool = save_tool(by=manager, name="Triage AI", risk_class="minimal", medical_device=False)
    incident = record_incident(title="Triage AI under-rated a patient", description="Found on the ward.",
                               detected_at=aware, by=manager, tools=["Triage AI"], now=aware,
                               facts={"harm": {"serious_health_harm": True, "death": False},
                                      "personal_data": {"involved": False},
                                      "medical_device": {"expected_documented_side_effect": False}})
    assert incident.obligations.get(rule_id="MDR-87-3-SERIOUS-INCIDENT").status == "not_required"
    save_tool(by=manager, tool=tool, medical_device=True)
    assert incident.obligations.get(rule_id="MDR-87-3-SERIOUS-INCIDENT").status in ("pending", "overdue")
