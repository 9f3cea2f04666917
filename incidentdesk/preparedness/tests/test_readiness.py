"""The readiness check (issue 15): "are we ready?" from the system's own state.

The demo lists gaps in ``incidentdesk readiness --json`` that the page shows; verifying a contact raises the
score; the tabletop item reads the completed exercises; the reminder item reads a test sent through the real
channel; the backup item reads what the backup job recorded.
"""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import NOW, table_counts
from incidentdesk.preparedness import channeltest, services
from incidentdesk.preparedness.readiness import assess
from incidentdesk.refusals import Refused
from incidentdesk.reminders.models import Preference
from incidentdesk.reminders.tests.conftest import Hook, webhook_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
A_YEAR_ON = datetime(2027, 4, 1, 10, 0, tzinfo=UTC)  # the demo's legal adviser (checked 2026-03-15) is then stale


def _cli_readiness() -> dict:
    out = io.StringIO()
    call_command("incidentdesk", "readiness", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def demo():
    from incidentdesk.cli import demo as demo_data

    with time_machine.travel(A_YEAR_ON, tick=False):
        demo_data.load()
        yield


def _item(result: dict, key: str) -> dict:
    return next(i for i in result["items"] if i["key"] == key)


def test_the_demos_gaps_are_on_the_page_and_verifying_a_contact_raises_the_score(demo, client):
    from django.contrib.auth import get_user_model

    from incidentdesk.contacts.models import Contact

    before = _cli_readiness()
    assert "contacts.legal" in before["gaps"]
    assert 0 < before["score"] < 100
    client.force_login(get_user_model().objects.get(username="demo"))
    page = client.get("/readiness/").content.decode()
    for key in before["gaps"]:  # every gap the CLI lists, the page shows, with its words
        assert f'data-key="{key}"' in page
        assert _item(before, key)["title"].replace("'", "&#x27;") in page
    assert f"<strong>{before['score']}%</strong>" in page

    legal = Contact.objects.get(kind="legal")
    from incidentdesk.accounts.tokens import create_token

    _, secret = create_token(user=get_user_model().objects.get(username="demo"), name="t",
                             scopes=["read", "write"], by=None)
    response = client.post(f"/api/contacts/{legal.pk}/verified", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    after = _cli_readiness()
    assert "contacts.legal" not in after["gaps"]
    assert after["score"] > before["score"]
    assert f"<strong>{after['score']}%</strong>" in client.get("/readiness/").content.decode()


def test_the_api_answers_the_same_as_the_cli(demo, client):
    from django.contrib.auth import get_user_model

    from incidentdesk.accounts.tokens import create_token

    _, secret = create_token(user=get_user_model().objects.get(username="viewer"), name="t", scopes=["read"], by=None)
    api = client.get("/api/readiness", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    cli = _cli_readiness()
    assert (api["score"], api["gaps"]) == (cli["score"], cli["gaps"])


def test_the_cli_exits_non_zero_below_the_threshold_asked_for(demo):
    score = _cli_readiness()["score"]
    call_command("incidentdesk", "readiness", "--fail-under", str(score), stdout=io.StringIO())
    with pytest.raises(CommandError, match="below"):
        call_command("incidentdesk", "readiness", "--fail-under", str(score + 1), stdout=io.StringIO())


def test_a_completed_exercise_is_the_tabletop_and_the_yearly_reminder_follows(start):
    from incidentdesk.reminders.services import _yearly

    exercise = start()
    assert not _item(assess(NOW).as_json(), "exercises.tabletop")["ready"]  # started is not done
    services.end(exercise=exercise, by=exercise.facilitator, now=NOW + timedelta(hours=2))
    assert _item(assess(NOW + timedelta(hours=3)).as_json(), "exercises.tabletop")["ready"]
    assert not _item(assess(NOW + timedelta(days=400)).as_json(), "exercises.tabletop")["ready"]
    due = dict(_yearly(NOW.date()))["tabletop"]
    assert due.date() == (NOW + timedelta(hours=2)).date() + timedelta(days=365)


def test_a_test_reminder_through_a_working_channel_makes_reminders_ready(facilitator):
    assert not _item(assess().as_json(), "reminders.channel")["ready"]
    test = channeltest.send_test(user=facilitator)
    assert channeltest.outcome(test)[0] is True
    item = _item(assess().as_json(), "reminders.channel")
    assert item["ready"]
    assert "manager@example.org: delivered" in item["detail"]


def test_a_test_reminder_that_fails_says_so_and_is_not_ready(facilitator, webhook_server):  # noqa: F811
    Hook.fail_first = 99  # the receiver refuses every attempt
    Preference.objects.create(user=facilitator, email=False, webhook_url=webhook_server, webhook_secret="k")
    channeltest.send_test(user=facilitator)
    item = _item(assess().as_json(), "reminders.channel")
    assert not item["ready"]
    assert "did not get through" in item["detail"]
    assert "/hook" not in item["detail"]  # a webhook's path is a secret: only its host is shown


def test_a_person_without_a_channel_is_told_how_and_nothing_is_stored(people):
    before = table_counts()
    with pytest.raises(Refused, match="no reminder channel"):
        channeltest.send_test(user=people["viewer"])  # no e-mail address, no webhook
    assert table_counts() == before


def test_the_send_a_test_button_sends_and_reports(as_person, facilitator):
    client = as_person("manager")
    response = client.post("/readiness/test-reminder/", follow=True)
    assert "Test reminder sent" in response.content.decode()
    assert _item(assess().as_json(), "reminders.channel")["ready"]


def test_a_recent_backup_is_ready_and_an_old_one_is_not(organisation, cli_user):
    assert not _item(assess(NOW).as_json(), "backups.recent")["ready"]
    call_command("incidentdesk", "backup-done", "--at", "2026-11-21T23:00Z", "--note", "restic to NAS",
                 stdout=io.StringIO())
    item = _item(assess(NOW).as_json(), "backups.recent")
    assert item["ready"]
    assert "restic to NAS" in item["detail"]
    assert not _item(assess(NOW + timedelta(days=8)).as_json(), "backups.recent")["ready"]


def test_a_backup_in_the_future_is_refused_and_stores_nothing(organisation):
    before = table_counts()
    with pytest.raises(Refused, match="future"):
        services.record_backup(taken_at=datetime(2099, 1, 1, tzinfo=UTC), by=None, now=NOW)
    assert table_counts() == before


def test_an_incomplete_inventory_names_what_is_missing(organisation):
    from incidentdesk.inventory.services import save_tool

    save_tool(by=None, name="DeepL Pro", risk_class="minimal", owner="Founder")
    item = _item(assess().as_json(), "inventory.complete")
    assert not item["ready"]
    assert "DeepL Pro lacks a provider contact for incidents, a rollback or fallback procedure" in item["detail"]


def test_roles_need_a_deputy(people, organisation):
    from incidentdesk.accounts.services import set_role

    assert _item(assess().as_json(), "roles.filled")["ready"]  # an administrator and an incident manager
    set_role(user=people["manager"], role="viewer", by=None)
    item = _item(assess().as_json(), "roles.filled")
    assert not item["ready"]
    assert "name a deputy" in item["detail"]


def test_the_procedure_item_is_read_from_the_document_register(people, time_machine):
    """One truth: the procedure's readiness is the reviews app's item (a version in force, within its review
    date), not a date on the organisation profile (which no longer has one)."""
    from incidentdesk.governance import demo as governance_demo

    time_machine.move_to(NOW)
    assert not _item(assess(NOW).as_json(), "procedure.approved")["ready"]
    governance_demo.seed(by=people["administrator"])
    assert _item(assess(NOW).as_json(), "procedure.approved")["ready"]


def test_the_readiness_page_is_for_people_who_see_the_register(as_person):
    assert as_person("viewer").get("/readiness/").status_code == 200
    assert as_person("reporter").get("/readiness/").status_code == 403
