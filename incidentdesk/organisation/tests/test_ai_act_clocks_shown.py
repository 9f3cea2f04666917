"""What a person reads on an AI Act clock: the law's words, our internal target as internal, the open question."""

from datetime import UTC, datetime

import time_machine

from incidentdesk.incidents.services import record_incident
from incidentdesk.inventory.services import save_tool
from incidentdesk.organisation.services import save_profile

AWARE = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WIDESPREAD = {"widespread_infringement": True, "death": False, "critical_infrastructure_disruption": False,
              "serious_health_harm": False}


def widespread_incident(manager, **profile):
    save_profile(by=manager, ai_act_role="provider", **profile)
    save_tool(by=manager, name="Tenant screener", risk_class="high_risk_annex_iii")
    return record_incident(title="Screener rejected one nationality", description="Found in an audit.",
                           detected_at=AWARE, by=manager, tools=["Tenant screener"], now=AWARE,
                           facts={"harm": WIDESPREAD, "personal_data": {"involved": False}})


def test_the_workspace_labels_the_internal_target_and_shows_the_open_question(organisation, manager, people, client):
    incident = widespread_incident(manager)
    row = incident.obligations.get(rule_id="AIA-73-3-REPORT-WIDESPREAD")
    assert row.due_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # 24 h after awareness: our internal target
    assert row.deadline == "immediately; at the latest 2 days"
    with time_machine.travel(AWARE, tick=False):
        client.force_login(people["viewer"])
        page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert "The law says: immediately; at the latest 2 days, with no number of hours" in page
    assert "<strong>our internal target</strong> (organisation profile), not the law" in page
    assert "Open question" in page
    assert "if it follows the high-risk rules&#x27; dates, it is not yet in force for this system" in page


def test_once_counsel_has_answered_there_is_no_open_question(organisation, manager):
    incident = widespread_incident(manager, art73_reading="from_2026_08_02")
    row = incident.obligations.get(rule_id="AIA-73-3-REPORT-WIDESPREAD")
    assert row.status == "pending"
    assert not [r for r in row.reasons if r.startswith("Open question")]
    assert any(r.startswith("Counsel's answer recorded on the organisation profile") for r in row.reasons)
