"""Exercises reach no outside channel and no management figure (issue 15, "Done when").

Every way a message leaves IncidentDesk is a reminder delivery (e-mail, Slack-compatible webhook, signed
webhook, escalation to a management contact); notifications are recorded, never sent by the app; intake only
receives. An exercise's reminders go to the participants' own e-mail inbox only, marked EXERCISE. Every figure
(dashboard, register default view, exports, breach register, API list, CLI export) leaves exercises out
through one queryset method, ``.real()``. Each test has a real-incident twin that does reach or count, so the
test can fail.
"""

import csv
import io
import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from conftest import NOW
from incidentdesk.contacts.services import save_contact
from incidentdesk.dashboard.services import build
from incidentdesk.reminders import tasks
from incidentdesk.reminders.models import Channel, Delivery, Preference, Reminder
from incidentdesk.reminders.runner import tick
from incidentdesk.reminders.tests.conftest import Hook, webhook_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(hours=49)  # every reminder of the 24-hour clock is due, escalations included
LEVEL3 = {"personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["contact"]},
          "published_externally": False}


@pytest.fixture
def channels(people, facilitator, webhook_server):  # noqa: F811 - the imported fixture
    """The facilitator by e-mail, Slack and signed webhook; the administrator by e-mail; a management contact
    the overdue escalation reaches."""
    Preference.objects.create(user=facilitator, slack_url=webhook_server + "/slack", webhook_url=webhook_server,
                              webhook_secret="k")
    people["administrator"].email = "admin@example.org"
    people["administrator"].save()
    save_contact(by=None, kind="management", name="Board", email="board@example.org", escalation_order=1,
                 last_verified_on=date(2026, 11, 1))
    return {"manager@example.org", "admin@example.org"}


def _run_reminders():
    with time_machine.travel(LATER, tick=False):
        tick()


def test_an_exercise_reaches_only_the_participants_own_inbox(start, channels):
    exercise = start("level3-personal-data")
    _run_reminders()
    rows = Delivery.objects.filter(reminder__obligation__incident=exercise.incident)
    assert rows.exists()
    assert set(rows.values_list("channel", flat=True)) == {Channel.EMAIL}
    assert set(rows.values_list("target", flat=True)) <= channels
    assert not rows.filter(user__isnull=True).exists()
    assert mail.outbox
    assert all(m.subject.startswith("[EXERCISE]") for m in mail.outbox)
    assert all(m.body.startswith("EXERCISE") for m in mail.outbox)
    assert "board@example.org" not in {to for m in mail.outbox for to in m.to}
    assert not Hook.requests  # no Slack, no webhook


def test_a_real_incident_with_the_same_facts_reaches_every_channel(record, channels, inventory):
    incident = record(detected_at=NOW, facts=LEVEL3, tools=["ChatGPT Team"])
    _run_reminders()
    assert Delivery.objects.filter(reminder__obligation__incident=incident, channel=Channel.WEBHOOK).exists()
    assert "board@example.org" in {to for m in mail.outbox for to in m.to}
    assert Hook.requests
    assert not any(m.subject.startswith("[EXERCISE]") for m in mail.outbox)


def test_the_last_guard_refuses_an_exercise_message_on_an_outside_channel(start, channels, webhook_server):  # noqa: F811
    exercise = start("level3-personal-data")
    obligation = exercise.incident.obligations.get(rule_id="PROC-4-L3-GDPR-ASSESSMENT")
    reminder = Reminder.objects.create(obligation=obligation, kind="overdue", due_at=NOW)
    mail.outbox.clear()  # the routing notices' EXERCISE e-mails to the facilitator (decision 190)
    for channel, target, user in ((Channel.WEBHOOK, webhook_server, exercise.facilitator),
                                  (Channel.EMAIL, "board@example.org", None)):
        delivery = Delivery.objects.create(reminder=reminder, user=user, channel=channel, target=target,
                                           subject="x", body="{}")
        tasks.send_one(delivery)
        delivery.refresh_from_db()
        assert delivery.status == "failed"
        assert "exercise" in delivery.last_error
    assert not Hook.requests
    assert not mail.outbox


def test_recording_an_exercises_notification_sends_nothing_and_says_exercise(start):
    from incidentdesk.notifications import services as notifications

    exercise = start("level3-personal-data")
    mail.outbox.clear()  # the routing notices' EXERCISE e-mails to the facilitator (decision 190)
    routed = set(Delivery.objects.values_list("pk", flat=True))
    draft = notifications.create_draft(incident=exercise.incident, kind="gdpr_33", by=exercise.facilitator)
    draft = notifications.edit_draft(draft=draft, subject=draft.subject, by=exercise.facilitator,
                                     body=notifications.drafts.fill_markers(draft.body) and "Filled in." or draft.body)
    sent = notifications.send_draft(draft=draft, recipient="Belgian DPA", channel="portal", sent_at=NOW,
                                    by=exercise.facilitator, now=NOW)
    assert sent.summary.startswith("EXERCISE")
    assert not mail.outbox
    assert set(Delivery.objects.values_list("pk", flat=True)) == routed
    assert not Hook.requests


def test_intake_never_makes_or_feeds_an_exercise(start, people):
    from incidentdesk.incidents.models import Incident
    from incidentdesk.intake import services as intake
    from incidentdesk.intake.models import AlertSource

    exercise = start("prompt-injection")
    mail.outbox.clear()  # the routing notices' EXERCISE e-mails to the facilitator (decision 190)
    source = AlertSource.objects.create(slug="grafana", name="Grafana",
                                        auto_rules=[{"labels": {"alertname": "Injection"}}])
    body = json.dumps({"title": "Prompt injection on the website chatbot", "labels": {"alertname": "Injection"}})
    intake.receive(source=source, body=body.encode(), by=people["manager"], now=NOW)
    item, _ = intake.report(title="The chatbot shows other customers' orders", details="Seen on the website")
    promoted = intake.promote(item=item, by=people["manager"], now=NOW)
    assert not promoted.is_exercise
    assert Incident.objects.filter(is_exercise=True).get() == exercise.incident  # only the one started as one
    assert Incident.objects.filter(is_exercise=False).count() == 2  # the alert's and the report's
    assert not mail.outbox
    assert not Hook.requests


def test_the_api_cannot_record_an_exercise(as_person, people, organisation):
    from incidentdesk.accounts.tokens import create_token
    from incidentdesk.incidents.models import Incident

    _, secret = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)
    body = {"title": "x", "description": "x", "detected_at": "2026-11-20T08:00:00Z", "is_exercise": True}
    response = as_person("manager").post("/api/incidents", json.dumps(body), content_type="application/json",
                                         HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201
    recorded = Incident.objects.get(reference=response.json()["reference"])
    assert not recorded.is_exercise  # an exercise is born only from the scenario library


# --- no figure -------------------------------------------------------------------------------------------------

@pytest.fixture
def both(start, record, inventory):
    """A real level 3 incident and a level 3 exercise, with the same facts and clocks."""
    real = record(detected_at=NOW, facts=LEVEL3, tools=["ChatGPT Team"], title="The real one")
    exercise = start("level3-personal-data")
    return real, exercise.incident


@time_machine.travel(NOW + timedelta(hours=30), tick=False)
def test_the_dashboard_counts_no_exercise(both, people):
    real, _ = both
    figures = build(user=people["manager"])
    assert sum(figures.open_by_severity.values()) == 1
    assert figures.open_by_severity[3] == 1
    assert figures.overdue == real.obligations.filter(status="pending", due_at__lt=NOW + timedelta(hours=30)).count()
    assert {o.incident for o in figures.overdue_clocks} == {real}
    assert sum(sum(month.values()) for month in figures.per_month.values()) == 1
    assert dict(figures.per_tool) == {"ChatGPT Team": 1}


def test_the_registers_default_view_leaves_exercises_out_and_a_filter_shows_them(both, as_person):
    real, exercise = both
    client = as_person("manager")
    page = client.get("/incidents/").content.decode()
    assert real.reference in page
    assert exercise.reference not in page
    only = client.get("/incidents/?exercises=only").content.decode()
    assert exercise.reference in only
    assert real.reference not in only
    assert "EXERCISE" in only
    both_shown = client.get("/incidents/?exercises=include").content.decode()
    assert exercise.reference in both_shown
    assert real.reference in both_shown


def test_exports_leave_exercises_out_even_when_the_register_shows_them(both, as_person):
    real, exercise = both
    client = as_person("manager")
    for query in ("", "?exercises=include", "?exercises=only"):
        text = b"".join(client.get(f"/incidents/export.csv{query}").streaming_content).decode()
        ids = {row[0] for row in csv.reader(io.StringIO(text))}
        assert exercise.reference not in ids
        assert (real.reference in ids or query == "?exercises=only")


def test_the_breach_register_api_list_and_cli_export_leave_exercises_out(both, as_person, people, cli_user):
    from incidentdesk.accounts.tokens import create_token

    real, exercise = both
    client = as_person("manager")
    breaches = client.get("/breaches/").content.decode()
    assert real.reference in breaches
    assert exercise.reference not in breaches
    _, secret = create_token(user=people["manager"], name="t", scopes=["read"], by=None)
    listed = client.get("/api/incidents", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    references = {row["reference"] for row in listed["results"]}
    assert real.reference in references
    assert exercise.reference not in references
    only = client.get("/api/incidents?exercises=only", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert [row["reference"] for row in only["results"]] == [exercise.reference]  # shown when asked for
    out = io.StringIO()
    call_command("incidentdesk", "export", "--format", "json", stdout=out)
    exported = {row["reference"] for row in json.loads(out.getvalue())}
    assert exported == {real.reference}


def test_the_participants_calendar_marks_an_exercises_clocks(start, facilitator, client):
    from incidentdesk.reminders.calendar import new_feed

    exercise = start("level3-personal-data")
    text = client.get(f"/calendar/{new_feed(facilitator)}.ics").content.decode()
    assert f"EXERCISE {exercise.incident.reference}:" in text


def test_the_inventory_counts_no_exercise_against_a_tool(both, as_person):
    from incidentdesk.inventory.models import AITool

    real, exercise = both
    tool = AITool.objects.get(name="ChatGPT Team")
    page = as_person("manager").get(f"/inventory/{tool.pk}/").content.decode()
    assert real.reference in page
    assert exercise.reference not in page
