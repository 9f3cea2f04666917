"""Reminders: planned at 50%, 80%, due and overdue; sent once even across a worker restart; delivered by
email to a real SMTP server and by signed webhook with retries; the calendar feed lists the clocks."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller

from conftest import NOW
from incidentdesk.reminders import services
from incidentdesk.reminders.models import Delivery, Preference, Reminder
from incidentdesk.reminders.runner import tick


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


@pytest.fixture
def clock(record, people):
    """A level 3 incident whose 24-hour GDPR-assessment clock started at NOW."""
    people["manager"].email = "manager@example.org"
    people["manager"].save()
    incident = record(detected_at=NOW, facts={"personal_data": {"involved": True}, "published_externally": False})
    return incident.obligations.get(rule_id="PROC-4-L3-GDPR-ASSESSMENT")


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
    assert Delivery.objects.filter(channel="email", ok=True).exists()


def test_a_done_clock_sends_no_more_reminders(clock, smtp, manager):
    from incidentdesk.obligations.services import complete_obligation

    complete_obligation(incident=clock.incident, rule_id=clock.rule_id, at=NOW + timedelta(hours=1), by=manager,
                        now=NOW + timedelta(hours=1))
    tick(NOW + timedelta(hours=30))
    assert not Reminder.objects.filter(obligation=clock, sent_at__isnull=False).exists()
    assert not any(clock.action in body for _, body in smtp.messages)


class Hook(BaseHTTPRequestHandler):
    received: list = []
    fail_first = 0

    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Hook.fail_first > 0:
            Hook.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        Hook.received.append((self.headers.get("X-IncidentDesk-Signature"), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    server = HTTPServer(("127.0.0.1", 0), Hook)
    Hook.received, Hook.fail_first = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_a_webhook_is_signed_and_retried(clock, people, webhook_server):
    Preference.objects.create(user=people["manager"], email=False, webhook_url=webhook_server, webhook_secret="k")
    Hook.fail_first = 2
    tick(NOW + timedelta(hours=13))
    assert Hook.received, list(Delivery.objects.values("channel", "ok", "attempts", "last_error"))
    signature, body = Hook.received[0]
    assert signature == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert {json.loads(b)["rule_id"] for _, b in Hook.received} >= {clock.rule_id}
    deliveries = list(Delivery.objects.filter(channel="webhook").values_list("ok", "attempts"))
    assert (True, 3) in deliveries  # two 503s, then accepted
    assert all(ok for ok, _ in deliveries)


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
