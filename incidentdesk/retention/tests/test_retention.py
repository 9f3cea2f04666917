"""Retention: only closed incidents past the retention period can be deleted, by two people, logged with the
evidence hashes; a legal hold blocks the deletion through the services, the web, the CLI and the API."""

import io
import os
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify
from incidentdesk.incidents.models import Incident
from incidentdesk.lessons.models import DocumentChange
from incidentdesk.refusals import Conflict, Forbidden
from incidentdesk.retention import services as retention
from incidentdesk.retention.models import DeletionProposal

NOW = datetime(2032, 6, 1, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("evidence_dir")  # conftest.py: evidence in a folder per test


@pytest.fixture
def old_closed(record, manager, people):
    from incidentdesk.evidence.services import add_evidence
    from incidentdesk.lessons import services as lessons

    incident = record(detected_at=datetime(2026, 11, 20, 8, tzinfo=UTC))
    evidence = add_evidence(incident=incident, stream=io.BytesIO(b"log\n"), name="chat.log", by=manager)
    lesson = lessons.propose(incident=incident, target="policy", text="No client data in chatbots", by=manager)
    lessons.decide(lesson=lesson, accept=True, by=manager)
    Incident.objects.filter(pk=incident.pk).update(status="closed", updated_at=datetime(2026, 12, 1, tzinfo=UTC))
    return incident, evidence


def test_two_people_delete_a_closed_incident_past_retention_and_both_acts_keep_the_evidence_hash(old_closed, people):
    incident, evidence = old_closed
    path = evidence.file.path
    assert list(retention.past_retention(NOW)) == [incident]
    retention.propose_deletion(incident=incident, reason="Five years passed", by=people["manager"], now=NOW)
    assert Incident.objects.filter(pk=incident.pk).exists()  # one person alone deletes nothing
    retention.confirm_deletion(incident=incident, by=people["administrator"], now=NOW)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    proposed = AuditEvent.objects.get(action="incident.deletion_proposed")
    deleted = AuditEvent.objects.get(action="incident.deleted")
    assert evidence.sha256 in proposed.data
    assert evidence.sha256 in deleted.data
    assert "Five years passed" in deleted.data
    assert "p-manager" in deleted.data
    assert (proposed.actor_name, deleted.actor_name) == ("p-manager", "p-administrator")
    assert DocumentChange.objects.count() == 1  # the policy change log outlives the incident
    assert not os.path.exists(path)
    assert verify().ok


def test_one_person_alone_cannot_delete(old_closed, people):
    incident, _ = old_closed
    with pytest.raises(Conflict, match="Nobody has proposed"):
        retention.confirm_deletion(incident=incident, by=people["administrator"], now=NOW)
    retention.propose_deletion(incident=incident, reason="Five years passed", by=people["administrator"], now=NOW)
    with pytest.raises(Forbidden, match="another person must confirm"):
        retention.confirm_deletion(incident=incident, by=people["administrator"], now=NOW)
    with pytest.raises(Forbidden, match="Only an administrator"):
        retention.confirm_deletion(incident=incident, by=people["manager"], now=NOW)
    with pytest.raises(Forbidden):
        retention.propose_deletion(incident=incident, reason="x", by=people["responder"], now=NOW)
    with pytest.raises(Conflict, match="already proposed"):
        retention.propose_deletion(incident=incident, reason="again", by=people["manager"], now=NOW)
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert DeletionProposal.objects.count() == 1


def test_an_incident_within_retention_cannot_be_proposed(old_closed, people):
    incident, _ = old_closed
    with pytest.raises(retention.RetentionRefused, match="not yet past the retention period"):
        retention.propose_deletion(incident=incident, reason="tidy", by=people["manager"],
                                   now=datetime(2027, 1, 1, tzinfo=UTC))
    assert not DeletionProposal.objects.exists()


def test_a_legal_hold_blocks_the_deletion_until_it_is_released(old_closed, people):
    incident, _ = old_closed
    retention.propose_deletion(incident=incident, reason="Five years passed", by=people["manager"], now=NOW)
    retention.place_hold(incident=incident, reason="Claim by the client, case 2032/17", by=people["manager"],
                         now=NOW)
    with pytest.raises(retention.HeldRefused, match="legal hold"):
        retention.confirm_deletion(incident=incident, by=people["administrator"], now=NOW)
    assert Incident.objects.filter(pk=incident.pk).exists()
    retention.release_hold(hold=retention.active_hold(incident, NOW), reason="Claim settled", by=people["manager"],
                           now=NOW)
    retention.confirm_deletion(incident=incident, by=people["administrator"], now=NOW)
    assert not Incident.objects.filter(pk=incident.pk).exists()


def test_a_hold_with_an_end_date_lapses_after_it(old_closed, people):
    incident, _ = old_closed
    retention.place_hold(incident=incident, reason="Audit", until=date(2032, 6, 30), by=people["manager"], now=NOW)
    with pytest.raises(retention.HeldRefused):
        retention.propose_deletion(incident=incident, reason="x", by=people["manager"], now=NOW)
    later = datetime(2032, 7, 2, tzinfo=UTC)
    assert retention.active_hold(incident, later) is None
    retention.propose_deletion(incident=incident, reason="x", by=people["manager"], now=later)


def test_a_hold_needs_a_reason_and_a_future_end(old_closed, people):
    incident, _ = old_closed
    with pytest.raises(retention.RetentionRefused, match="reason"):
        retention.place_hold(incident=incident, reason="  ", by=people["manager"], now=NOW)
    with pytest.raises(retention.RetentionRefused, match="has passed"):
        retention.place_hold(incident=incident, reason="x", until=date(2030, 1, 1), by=people["manager"], now=NOW)
    with pytest.raises(Forbidden):
        retention.place_hold(incident=incident, reason="x", by=people["viewer"], now=NOW)
    assert not incident.legal_holds.exists()


def test_the_cli_lists_proposes_and_a_second_person_confirms(old_closed, people, time_machine):
    incident = old_closed[0]
    time_machine.move_to(NOW)
    out = io.StringIO()
    call_command("incidentdesk", "retention", "list", stdout=out)
    assert "1 incident(s) past retention" in out.getvalue()
    call_command("incidentdesk", "--as", "p-administrator", "retention", "propose", incident.reference, stdout=out)
    with pytest.raises(CommandError, match="another person must confirm"):
        call_command("incidentdesk", "--as", "p-administrator", "retention", "confirm", incident.reference, "--yes",
                     stdout=out)
    assert Incident.objects.count() == 1
    administrator2 = _second_administrator()
    call_command("incidentdesk", "--as", administrator2.username, "retention", "confirm", incident.reference, "--yes",
                 stdout=out)
    assert Incident.objects.count() == 0
    assert AuditEvent.objects.get(action="incident.deleted").actor_name == administrator2.username


def _second_administrator():
    from incidentdesk.accounts.services import add_person

    return add_person(username="p-administrator-2", password="a-long-test-password", role="administrator", by=None)


def test_a_legal_hold_blocks_deletion_on_the_command_line(old_closed, people, time_machine):
    incident = old_closed[0]
    time_machine.move_to(NOW)
    out = io.StringIO()
    call_command("incidentdesk", "--as", "p-manager", "retention", "propose", incident.reference, stdout=out)
    call_command("incidentdesk", "--as", "p-manager", "retention", "hold", incident.reference,
                 "--reason", "Investigation by the DPA", stdout=out)
    call_command("incidentdesk", "retention", "list", stdout=out)
    assert "legal hold: Investigation by the DPA" in out.getvalue()
    call_command("incidentdesk", "show", incident.reference, stdout=out)
    assert "Legal hold: Investigation by the DPA (kept until released" in out.getvalue()
    with pytest.raises(CommandError, match="under a legal hold"):
        call_command("incidentdesk", "--as", "p-administrator", "retention", "confirm", incident.reference, "--yes",
                     stdout=out)
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_a_legal_hold_blocks_deletion_on_the_web(old_closed, people, as_person, time_machine):
    incident = old_closed[0]
    time_machine.move_to(NOW)
    retention.propose_deletion(incident=incident, reason="Five years passed", by=people["manager"])
    client = as_person("manager")
    response = client.post(f"/incidents/{incident.reference}/legal-hold/", {"reason": "Claim pending"}, follow=True)
    assert "Legal hold placed" in response.content.decode()
    client = as_person("administrator")
    page = client.get("/retention/").content.decode()
    assert "Claim pending" in page
    assert "Confirm the deletion" not in page
    response = client.post(f"/incidents/{incident.reference}/deletion/confirm/", follow=True)
    assert "under a legal hold" in response.content.decode()
    assert Incident.objects.filter(pk=incident.pk).exists()
    register = client.get("/incidents/").content.decode()
    assert "legal hold" in register


def test_a_legal_hold_blocks_deletion_through_the_api(old_closed, people, time_machine):
    from django.test import Client

    from incidentdesk.accounts.tokens import create_token

    incident = old_closed[0]
    time_machine.move_to(NOW)
    _, manager_token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)
    _, admin_token = create_token(user=people["administrator"], name="t", scopes=["read", "write"], by=None)
    api = Client()
    base = f"/api/incidents/{incident.reference}"
    as_manager = {"HTTP_AUTHORIZATION": f"Bearer {manager_token}"}
    as_admin = {"HTTP_AUTHORIZATION": f"Bearer {admin_token}"}
    assert api.post(f"{base}/deletion", {"reason": "Five years"}, content_type="application/json",
                    **as_manager).status_code == 201
    held = api.post(f"{base}/legal-holds", {"reason": "Litigation"}, content_type="application/json", **as_manager)
    assert held.status_code == 201
    assert held.json()["active"]
    assert api.get(base, **as_admin).json()["legal_hold"]["reason"] == "Litigation"
    refused = api.post(f"{base}/deletion/confirm", **as_admin)
    assert refused.status_code == 409
    assert "legal hold" in refused.json()["detail"]
    assert Incident.objects.filter(pk=incident.pk).exists()
    released = api.post(f"{base}/legal-holds/{held.json()['id']}/release", {"reason": "Settled"},
                        content_type="application/json", **as_manager)
    assert released.status_code == 200
    assert api.post(f"{base}/deletion/confirm", **as_manager).status_code == 403  # not an administrator
    assert api.post(f"{base}/deletion/confirm", **as_admin).status_code == 200
    assert not Incident.objects.filter(pk=incident.pk).exists()


def test_an_incident_closed_five_hours_ago_is_never_deleted_even_with_zero_years(record, people):
    from django.utils import timezone

    from incidentdesk.organisation.models import Organisation

    now = timezone.now()
    incident = record(detected_at=now - timedelta(hours=5), now=now)
    # The profile refuses 0 (and anything under 5 years without a reason); a row saved before that may hold it.
    Organisation.objects.filter(pk=1).update(retention_years=0)
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    out = io.StringIO()
    call_command("incidentdesk", "retention", "list", stdout=out)
    assert "No closed incident is past the retention period" in out.getvalue()
    with pytest.raises(retention.RetentionRefused, match="not yet past the retention period"):
        retention.propose_deletion(incident=incident, by=people["manager"], reason="tidy")
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_an_old_incident_closed_less_than_a_day_ago_is_kept(old_closed):
    incident, _ = old_closed
    Incident.objects.filter(pk=incident.pk).update(updated_at=NOW - timedelta(hours=2))
    assert list(retention.past_retention(NOW)) == []
    Incident.objects.filter(pk=incident.pk).update(updated_at=NOW - timedelta(days=2))
    assert list(retention.past_retention(NOW)) == [incident]


def test_init_refuses_a_retention_below_the_floor_without_a_reason(db):
    """``incidentdesk init --retention-years 1`` is refused and stores no profile; with a reason it is kept."""
    from incidentdesk.organisation.models import Organisation

    base = ["incidentdesk", "init", "--name", "AIAdopt", "--country", "BE", "--time-zone", "Europe/Brussels"]
    with pytest.raises(CommandError, match="kept at least 5 years"):
        call_command(*base, "--retention-years", "1", stdout=io.StringIO())
    assert not Organisation.objects.exists()
    call_command(*base, "--retention-years", "1", "--retention-reason", "Test installation, no real data",
                 stdout=io.StringIO())
    assert (Organisation.current().retention_years, Organisation.current().retention_reason) == (
        1, "Test installation, no real data")
