"""Reminders: planned at 50%, 80%, due and overdue; sent once even across a worker restart; delivered by
email to a real SMTP server and by signed webhook with retries; the calendar feed lists the clocks."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from conftest import NOW
from incidentdesk.reminders import services
from incidentdesk.reminders.models import Delivery, Preference, Reminder
from incidentdesk.reminders.runner import tick

from .conftest import Hook


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    import socket

    with socket.socket() as probe:  # a free port for the local SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


def test_reminders_are_planned_at_half_eighty_due_and_overdue(clock):
    services.plan(NOW)
    times = {r.kind: r.due_at for r in Reminder.objects.filter(obligation=clock)}
    assert times["half"] == NOW + timedelta(hours=12)
    assert times["eighty"] == NOW + timedelta(hours=19, minutes=12)
    assert times["due"] == NOW + timedelta(hours=24)
    assert times["overdue"] == NOW + timedelta(hours=25)
    assert times["still_overdue"] == NOW + timedelta(hours=48)
    services.plan(NOW)
    assert Reminder.objects.filter(obligation=clock).count() == 5


def test_a_reminder_is_sent_once_even_if_the_worker_restarts(clock, smtp):
    at = NOW + timedelta(hours=13)
    assert tick(at) >= 1
    sent = len(smtp.messages)
    assert any("manager@example.org" in rcpt for rcpt, _ in smtp.messages)
    # A restarted worker (or a second one) runs the same pass again: nothing is sent twice.
    assert tick(at) == 0
    reminder = Reminder.objects.get(obligation=clock, kind="half")
    assert services.claim(reminder, at) is False
    assert len(smtp.messages) == sent


def test_the_email_is_received_by_the_smtp_server(clock, smtp):
    tick(NOW + timedelta(hours=13))
    body = smtp.messages[0][1]
    assert clock.incident.reference in body
    assert "50% of the time has run" in body
    assert Delivery.objects.filter(channel="email", status="delivered").exists()


def test_a_done_clock_sends_no_more_reminders(clock, smtp, manager):
    from incidentdesk.obligations.services import complete_obligation

    complete_obligation(incident=clock.incident, rule_id=clock.rule_id, at=NOW + timedelta(hours=1), by=manager,
                        now=NOW + timedelta(hours=1))
    tick(NOW + timedelta(hours=30))
    assert not Reminder.objects.filter(obligation=clock, sent_at__isnull=False).exists()
    assert not any(clock.action in body for _, body in smtp.messages)


def test_a_webhook_is_signed_and_retried(clock, people, webhook_server):
    Preference.objects.create(user=people["manager"], email=False, webhook_url=webhook_server, webhook_secret="k")
    Hook.fail_first = 2
    tick(NOW + timedelta(hours=13))
    assert Hook.received, list(Delivery.objects.values("channel", "ok", "attempts", "last_error"))
    _, headers, body = next(r for r in Hook.requests if r[0] == 200)
    signed = headers["X-IncidentDesk-Timestamp"].encode() + b"." + body  # a timestamp, so a replay shows
    assert headers["X-IncidentDesk-Signature"] == "sha256=" + hmac.new(b"k", signed, hashlib.sha256).hexdigest()
    assert {json.loads(b)["rule_id"] for _, b in Hook.received} >= {clock.rule_id}
    deliveries = list(Delivery.objects.filter(channel="webhook").values_list("status", "attempts"))
    assert ("delivered", 3) in deliveries  # two 503s, then accepted
    assert all(status == "delivered" for status, _ in deliveries)


def test_the_calendar_feed_lists_the_clocks_for_its_owner_only(clock, people, client):
    from incidentdesk.reminders import calendar

    token = calendar.new_feed(people["manager"])
    feed = client.get(f"/calendar/{token}.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    assert f"{clock.incident.reference}-{clock.rule_id}@incidentdesk" in feed.content.decode()
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_yearly_reminders_are_planned_once(organisation):
    services.plan(datetime(2027, 12, 1, tzinfo=UTC))
    services.plan(datetime(2027, 12, 1, tzinfo=UTC))
    kinds = list(Reminder.objects.filter(obligation=None).values_list("kind", flat=True))
    assert sorted(kinds) == ["procedure_review", "tabletop"]


def test_an_overdue_clock_escalates_to_the_next_contact_a_day_later(clock, smtp, manager):
    from datetime import date

    from incidentdesk.contacts.services import save_contact

    for order, email in ((1, "head@example.org"), (2, "ceo@example.org")):
        save_contact(by=manager, kind="management", name=email, email=email, escalation_order=order,
                     last_verified_on=date(2026, 11, 1))
    tick(NOW + timedelta(hours=26))
    assert any("head@example.org" in rcpt for rcpt, _ in smtp.messages)
    assert not any("ceo@example.org" in rcpt for rcpt, _ in smtp.messages)
    tick(NOW + timedelta(hours=49))
    assert any("ceo@example.org" in rcpt for rcpt, _ in smtp.messages)
