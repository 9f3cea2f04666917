"""The provider's acknowledgement of our Art 26(5) notice: recorded (web, API, CLI), audited, and it decides
whether our own Art 73 report is raised."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine
from django.core.management import call_command

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents import services as incidents
from incidentdesk.inventory.services import save_tool
from incidentdesk.notifications import services
from incidentdesk.notifications.models import Notification

AWARE = datetime(2028, 3, 6, 8, 0, tzinfo=UTC)
NOTICE = AWARE + timedelta(hours=1)
OWN_REPORT = "AIA-26-5-DEPLOYER-73-2"


@pytest.fixture
def notice(organisation, manager):
    """A deployer's incident with a high-risk Annex III tool, and its notice to the provider."""
    save_tool(by=manager, name="Credit scorer", risk_class="high_risk_annex_iii", provider="ScoreCo")
    with time_machine.travel(NOTICE + timedelta(minutes=5), tick=False):
        incident = incidents.record_incident(
            title="Scorer refused every applicant over 60", description="Seen in the weekly review.",
            detected_at=AWARE, by=manager, tools=["Credit scorer"],
            facts={"harm": {"serious_health_harm": True, "death": False, "critical_infrastructure_disruption": False,
                            "widespread_infringement": False}, "personal_data": {"involved": False}})
        assert incident.obligations.get(rule_id="AIA-26-5-INFORM-PROVIDER").status == "pending"
        return services.record_notification(incident=incident, recipient="ScoreCo incident desk", sent_at=NOTICE,
                                            by=manager, rule_id="AIA-26-5-INFORM-PROVIDER")


def own_report(notification):
    return notification.incident.obligations.get(rule_id=OWN_REPORT)


def test_waiting_for_the_acknowledgement_the_own_report_may_apply(notice):
    assert own_report(notice).status == "may_apply"


def test_without_an_acknowledgement_the_next_assessment_raises_our_own_report(notice, manager):
    with time_machine.travel(NOTICE + timedelta(hours=25), tick=False):
        incidents.reassess(incident=notice.incident, by=manager)
    row = own_report(notice)
    assert row.status == "pending"
    assert any(r.startswith("Raised: no acknowledgement from the provider") for r in row.reasons)
    assert row.citation.startswith("AI Act Art 26(5) second subparagraph")


def test_an_acknowledgement_in_time_is_recorded_audited_and_settles_the_question(notice, manager):
    with time_machine.travel(NOTICE + timedelta(hours=3), tick=False):
        services.record_acknowledgement(notification=notice, at=NOTICE + timedelta(hours=2),
                                        how="Email from ScoreCo's incident desk, ticket 4411", by=manager)
    notice.refresh_from_db()
    assert notice.acknowledged_at == NOTICE + timedelta(hours=2)
    assert notice.acknowledgement_recorded_by == manager
    event = AuditEvent.objects.filter(action="notification.acknowledged").get()
    assert json.loads(event.data)["after"]["how"] == "Email from ScoreCo's incident desk, ticket 4411"
    assert event.incident_ref == notice.incident.reference
    assert own_report(notice).status == "not_required"
    assert "the provider acknowledged our notice" in own_report(notice).reasons[-1]


def test_a_late_acknowledgement_leaves_our_own_report_raised(notice, manager):
    with time_machine.travel(NOTICE + timedelta(hours=30), tick=False):
        services.record_acknowledgement(notification=notice, at=NOTICE + timedelta(hours=29), how="Phone call",
                                        by=manager)
    assert own_report(notice).status == "pending"


@pytest.mark.parametrize(("at", "how", "message"), [
    (NOTICE + timedelta(hours=2), "  ", "how:"),
    (NOTICE - timedelta(hours=1), "Email", "before the notification was sent"),
    (NOTICE + timedelta(days=3), "Email", "lies in the future"),
    # found by the API fuzz on PostgreSQL: year 1 east of UTC has no UTC time (was a 500)
    (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5, minutes=17))), "lost", "out of range"),
])
def test_bad_acknowledgements_are_refused_and_nothing_is_stored(notice, manager, at, how, message):
    before = table_counts() | {"n": list(Notification.objects.values())}
    with time_machine.travel(NOTICE + timedelta(hours=3), tick=False), pytest.raises(services.Refused, match=message):
        services.record_acknowledgement(notification=notice, at=at, how=how, by=manager)
    assert table_counts() | {"n": list(Notification.objects.values())} == before


def test_a_second_acknowledgement_is_a_conflict(notice, manager):
    with time_machine.travel(NOTICE + timedelta(hours=3), tick=False):
        services.record_acknowledgement(notification=notice, at=NOTICE + timedelta(hours=2), how="Email", by=manager)
        before = table_counts() | {"n": list(Notification.objects.values())}
        with pytest.raises(services.AlreadyAcknowledged):
            services.record_acknowledgement(notification=notice, at=NOTICE + timedelta(hours=2), how="x", by=manager)
    assert table_counts() | {"n": list(Notification.objects.values())} == before


def test_the_workspace_shows_when_our_duty_is_raised_and_records_the_acknowledgement(notice, people, client):
    reference = notice.incident.reference
    with time_machine.travel(NOTICE + timedelta(hours=3), tick=False):
        client.force_login(people["responder"])  # a session of that day (time travel would expire an older one)
        page = client.get(f"/incidents/{reference}/").content.decode()
        assert "Not yet acknowledged by the provider" in page
        assert "we must report under AI Act Art 73 ourselves" in page
        response = client.post(f"/incidents/{reference}/notifications/{notice.pk}/acknowledgement/",
                               {f"ack{notice.pk}-at": "2028-03-06T11:30", f"ack{notice.pk}-how": "Email, ticket 9"})
        assert response.status_code == 302
        page = client.get(f"/incidents/{reference}/").content.decode()
    assert "Acknowledged" in page
    assert "Email, ticket 9" in page
    notice.refresh_from_db()
    assert notice.acknowledged_at == datetime(2028, 3, 6, 10, 30, tzinfo=UTC)  # 11:30 Brussels time


def test_the_api_records_the_acknowledgement(notice, people, client):
    from incidentdesk.accounts.tokens import create_token

    _, secret = create_token(user=people["responder"], name="t", scopes=["read", "write"], by=None)
    url = f"/api/incidents/{notice.incident.reference}/notifications/{notice.pk}/acknowledgement"
    with time_machine.travel(NOTICE + timedelta(hours=3), tick=False):
        response = client.post(url, {"at": "2028-03-06T11:00:00Z", "how": "Portal receipt"},
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 201, response.content
        assert response.json()["acknowledged_at"] == "2028-03-06T11:00:00Z"
        again = client.post(url, {"at": "2028-03-06T11:00:00Z", "how": "Portal receipt"},
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert again.status_code == 409


def test_the_command_line_records_the_acknowledgement(notice, cli_user, capsys):
    reference = notice.incident.reference
    with time_machine.travel(NOTICE + timedelta(hours=3), tick=False):
        call_command("incidentdesk", "acknowledge", reference, "--how", "Email, ticket 12", "--at",
                     "2028-03-06T11:00:00+01:00")
    notice.refresh_from_db()
    assert notice.acknowledged_at == datetime(2028, 3, 6, 10, 0, tzinfo=UTC)
    assert "Acknowledgement by ScoreCo incident desk recorded" in capsys.readouterr().out
