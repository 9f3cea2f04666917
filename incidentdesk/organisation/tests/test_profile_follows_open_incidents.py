"""The profile is a fact of every incident: changing it recomputes the open incidents' clocks at once, audited."""

from datetime import UTC, datetime, timedelta

import time_machine

from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Status
from incidentdesk.organisation.services import save_profile
from incidentdesk.organisation.tests.test_ai_act_clocks_shown import AWARE, widespread_incident

RULE = "AIA-73-3-REPORT-WIDESPREAD"


def test_changing_our_ai_act_role_recomputes_the_open_incidents_clocks(organisation, manager):
    incident = widespread_incident(manager, art73_reading="from_2026_08_02")
    assert incident.obligations.get(rule_id=RULE).status == "pending"
    with time_machine.travel(AWARE + timedelta(hours=2), tick=False):
        save_profile(by=manager, ai_act_role="deployer")
    row = incident.obligations.get(rule_id=RULE)
    assert row.status == "not_required"  # a provider's duty; we now say we only deploy the tool
    assert AuditEvent.objects.filter(incident_ref=incident.reference, action="obligations.recomputed").exists()


def test_the_internal_target_follows_the_profile(organisation, manager):
    incident = widespread_incident(manager, art73_reading="from_2026_08_02")
    assert incident.obligations.get(rule_id=RULE).due_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    with time_machine.travel(AWARE + timedelta(hours=2), tick=False):
        save_profile(by=manager, immediate_target_hours=12)
    assert incident.obligations.get(rule_id=RULE).due_at == datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def test_a_change_that_no_rule_reads_recomputes_nothing(organisation, manager):
    incident = widespread_incident(manager, art73_reading="from_2026_08_02")
    before = AuditEvent.objects.filter(incident_ref=incident.reference).count()
    save_profile(by=manager, retention_reason="")
    assert AuditEvent.objects.filter(incident_ref=incident.reference).count() == before


def test_a_closed_incident_keeps_what_applied(organisation, manager):
    incident = widespread_incident(manager, art73_reading="from_2026_08_02")
    incident.status = Status.CLOSED
    incident.save(update_fields=["status"])
    with time_machine.travel(AWARE + timedelta(hours=2), tick=False):
        save_profile(by=manager, ai_act_role="deployer")
    assert incident.obligations.get(rule_id=RULE).status == "pending"
