"""Deliveries survive a crash (issue 10): the claim and its work are one transaction (an outbox of pending
deliveries), a delivery is recorded before it is attempted and updated after (with an audit event), webhooks
carry an idempotency key that stays the same across retries and re-runs, and a task left running by a killed
worker is put back in the queue after a timeout. A killed worker is simulated in-process: the exception it
dies of escapes the task, and the worker records nothing more (the real kill -9 is tests/test_kill9.py).
"""

import contextlib
import hashlib
import hmac
import json
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from conftest import NOW
from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify
from incidentdesk.reminders import services
from incidentdesk.reminders.models import Delivery, Preference, Reminder
from incidentdesk.reminders.runner import tick

from .conftest import Hook

HALF = NOW + timedelta(hours=13)  # the 50% reminder of the clock fixture is due


class Killed(BaseException):  # noqa: N818 - it stands for the signal, not an error the code could handle
    """What a kill -9 looks like from inside: nothing after it runs, no ``except Exception`` catches it."""


@pytest.fixture
def two_managers(clock, people):
    """The clock's recipients: the incident manager by email and signed webhook, the administrator by email."""
    people["administrator"].email = "admin@example.org"
    people["administrator"].save()
    return clock


def emails() -> Counter:
    """How many times each message (recipient and subject) reached the mail server."""
    return Counter((to, m.subject) for m in mail.outbox for to in m.to)


def webhook_posts() -> Counter:
    """How many times each delivery key was accepted by the webhook receiver."""
    return Counter(headers.get("Idempotency-Key") for status, headers, _ in Hook.requests if status == 200)


@contextlib.contextmanager
def worker_killed(monkeypatch, *, on_email: int | None = None, after_action: str = ""):
    """The worker process dies at the ``on_email``-th message handed to the mail server (before the hand-off),
    or right after the audit event ``after_action`` was started (after the message left, before its row was
    updated). A dead worker writes nothing more: the task's row stays RUNNING."""
    sent = {"count": 0}
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        sent["count"] += 1
        if sent["count"] == on_email:
            raise Killed()
        return original(self, messages)

    from incidentdesk.audit import services as audit

    record = audit.record

    def dying_record(**kwargs):
        if kwargs.get("action") == after_action:
            raise Killed()
        return record(**kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", send_messages)
        patch.setattr(audit, "record", dying_record)
        patch.setattr(DBTaskResult, "set_failed", lambda self, exc: None)
        yield


def test_claim_and_enqueue_are_one_transaction(two_managers, task_queue, monkeypatch):
    """A claim whose work could not be queued is not a claim: the next pass claims the reminder again."""
    from django_tasks_db.backend import DatabaseBackend

    def refuse(*args, **kwargs):
        raise OperationalError("disk I/O error")

    with monkeypatch.context() as patch, time_machine.travel(HALF, tick=False):
        patch.setattr(DatabaseBackend, "enqueue", refuse)
        with contextlib.suppress(OperationalError):
            tick()
        assert not Reminder.objects.filter(sent_at__isnull=False).exists()
        assert not Delivery.objects.exists()
    with time_machine.travel(HALF + timedelta(minutes=1), tick=False):
        assert tick() >= 1
    assert Reminder.objects.get(obligation=two_managers, kind="half").sent_at is not None
    task_queue()
    assert {to for to, _ in emails()} == {"admin@example.org", "manager@example.org"}
    assert set(emails().values()) == {1}


def test_the_claim_writes_one_pending_delivery_per_recipient_and_channel(two_managers, people, task_queue,
                                                                          webhook_server):
    """The outbox: before any worker runs, every message the reminder owes is a pending row with its task."""
    Preference.objects.create(user=people["manager"], webhook_url=webhook_server, webhook_secret="k")
    with time_machine.travel(HALF, tick=False):
        tick()
    reminder = Reminder.objects.get(obligation=two_managers, kind="half")
    rows = set(Delivery.objects.filter(reminder=reminder).values_list("channel", "target", "status", "attempts"))
    assert rows == {("email", "manager@example.org", "pending", 0), ("email", "admin@example.org", "pending", 0),
                    ("webhook", webhook_server, "pending", 0)}
    assert DBTaskResult.objects.ready().count() == Delivery.objects.count()
    assert not mail.outbox
    assert not Hook.requests
    task_queue()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert DBTaskResult.objects.successful().count() == Delivery.objects.count()


def test_a_delivery_is_recorded_before_it_is_attempted_and_updated_after(two_managers, monkeypatch):
    seen = []
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        seen.extend(Delivery.objects.filter(target__in=messages[0].to, subject=messages[0].subject)
                    .values_list("status", "attempts"))
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    with time_machine.travel(HALF, tick=False):
        tick()
    assert len(seen) == len(mail.outbox) >= 2
    assert set(seen) == {("sending", 1)}
    delivery = Delivery.objects.get(target="manager@example.org", reminder__obligation=two_managers,
                                    reminder__kind="half")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 1, "")
    assert delivery.attempted_at == HALF
    assert delivery.finished_at == HALF


def test_each_outcome_is_an_audit_event_that_shows_no_secret(two_managers, people, webhook_server):
    secret_path = "/T0001/B0002/xoxb-SECRET-PATH"
    Preference.objects.create(user=people["manager"], email=False, webhook_url=webhook_server + secret_path,
                              slack_url="http://127.0.0.1:9/services/T0001/xoxb-ANOTHER-SECRET x")  # its error quotes the path
    with time_machine.travel(HALF, tick=False):
        tick()
    reference = two_managers.incident.reference
    events = {e.action: e for e in AuditEvent.objects.filter(action__startswith="reminder.deliver")
              .exclude(data__contains="admin@example.org")}
    assert set(events) == {"reminder.delivered", "reminder.delivery_failed"}
    delivered, failed = events["reminder.delivered"], events["reminder.delivery_failed"]
    port = webhook_server.split(":")[2].split("/")[0]
    assert f"127.0.0.1:{port}" in delivered.data
    assert "127.0.0.1:9" in failed.data
    assert "Slack" in failed.data or "slack" in failed.data
    for event in (delivered, failed):
        assert event.incident_ref == reference
        assert "SECRET" not in event.data
        assert "/hook" not in event.data
        assert "/services" not in event.data
    assert set(Delivery.objects.filter(channel="slack").values_list("status", "attempts")) == {("failed", 4)}
    assert all(Delivery.objects.filter(channel="slack").values_list("last_error", flat=True))
    admin_event = AuditEvent.objects.filter(action="reminder.delivered", data__contains="admin@example.org").first()
    assert admin_event.incident_ref == reference
    assert verify().ok


def test_webhook_retries_carry_one_idempotency_key_and_a_signed_timestamp(two_managers, people, webhook_server):
    Preference.objects.create(user=people["manager"], email=False, webhook_url=webhook_server, webhook_secret="k")
    Hook.fail_first = 2
    with time_machine.travel(HALF, tick=False):
        tick()
    first = Hook.requests[0][1]["Idempotency-Key"]  # the delivery that met the two refusals
    delivery = Delivery.objects.get(key=first)
    mine = [r for r in Hook.requests if r[1].get("Idempotency-Key") == first]
    assert [status for status, _, _ in mine] == [503, 503, 200]
    assert {headers["X-IncidentDesk-Delivery"] for _, headers, _ in mine} == {str(delivery.key)}
    assert len({body for _, _, body in mine}) == 1  # the same body every time
    assert len(webhook_posts()) == Delivery.objects.filter(channel="webhook").count()  # one key per delivery
    _, headers, body = mine[-1]
    stamp = headers["X-IncidentDesk-Timestamp"]
    assert int(stamp) == int(HALF.timestamp())
    expected = hmac.new(b"k", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-IncidentDesk-Signature"] == f"sha256={expected}"
    assert json.loads(body)["delivery_id"] == str(delivery.key)
    assert (delivery.status, delivery.attempts) == ("delivered", 3)


def test_a_worker_killed_half_way_resends_only_what_was_not_delivered(two_managers, people, task_queue,
                                                                       webhook_server, monkeypatch):
    """Killed at the second email: its task stays RUNNING. After the timeout the next pass puts it back in
    the queue, and the restarted worker sends what is missing, and nothing twice."""
    Preference.objects.create(user=people["manager"], webhook_url=webhook_server, webhook_secret="k")
    with time_machine.travel(HALF, tick=False):
        tick()
        with worker_killed(monkeypatch, on_email=2):
            task_queue()
    assert DBTaskResult.objects.running().count() == 1
    with time_machine.travel(HALF + timedelta(minutes=5), tick=False):
        tick()
        task_queue()
    assert DBTaskResult.objects.running().count() == 1  # before the timeout, a running task is left alone
    with time_machine.travel(HALF + timedelta(minutes=11), tick=False):
        tick()
        task_queue()
    assert set(emails().values()) == {1}
    assert {to for to, _ in emails()} == {"admin@example.org", "manager@example.org"}
    assert len(emails()) == Delivery.objects.filter(channel="email").count()
    assert set(webhook_posts().values()) == {1}
    assert len(webhook_posts()) == Delivery.objects.filter(channel="webhook").count()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert not DBTaskResult.objects.running().exists()
    assert not DBTaskResult.objects.ready().exists()
    requeued = AuditEvent.objects.get(action="task.requeued")
    assert requeued.incident_ref == two_managers.incident.reference
    assert verify().ok


def test_a_webhook_resent_after_a_crash_carries_the_same_key(two_managers, people, task_queue, webhook_server,
                                                             monkeypatch):
    """Killed after the receiver answered but before the row said so: at least once, and the receiver can
    tell the second post is the same delivery."""
    Preference.objects.create(user=people["manager"], email=False, webhook_url=webhook_server)
    with time_machine.travel(HALF, tick=False):
        tick()
        with worker_killed(monkeypatch, after_action="reminder.delivered"):
            task_queue()
    assert Hook.requests
    with time_machine.travel(HALF + timedelta(minutes=11), tick=False):
        tick()
        task_queue()
    delivery = Delivery.objects.get(channel="webhook", reminder__obligation=two_managers, reminder__kind="half")
    accepted = [body for status, headers, body in Hook.requests
                if status == 200 and headers["Idempotency-Key"] == str(delivery.key)]
    assert len(accepted) == 2
    assert len(set(accepted)) == 1
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_a_task_is_put_back_only_after_the_timeout_and_that_is_audited(two_managers, task_queue, settings):
    settings.TASK_TIMEOUT_SECONDS = 600
    with time_machine.travel(HALF, tick=False):
        tick()
        running = DBTaskResult.objects.ready().first()
        running.claim("a-worker-that-died")
        finished = DBTaskResult.objects.ready().first()
        finished.claim("another-worker")
        finished.set_successful(1)
    with time_machine.travel(HALF + timedelta(seconds=599), tick=False):
        tick()
    assert DBTaskResult.objects.get(pk=running.pk).status == "RUNNING"
    with time_machine.travel(HALF + timedelta(seconds=601), tick=False):
        tick()
    assert DBTaskResult.objects.get(pk=running.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=finished.pk).status == "SUCCESSFUL"
    event = AuditEvent.objects.get(action="task.requeued", object_id=str(running.pk))
    assert event.object_id == str(running.pk)
    assert "a-worker-that-died" in event.data


def test_a_reminder_queued_before_the_outbox_is_delivered_once(two_managers, task_queue):
    """A task queued by an earlier version (one task per reminder, no outbox rows) still sends, once."""
    from incidentdesk.reminders.tasks import deliver

    with time_machine.travel(HALF, tick=False):
        services.plan()
        reminder = Reminder.objects.get(obligation=two_managers, kind="half")
        assert services.claim(reminder)
        deliver.enqueue(reminder.pk)
        task_queue()
        deliver.enqueue(reminder.pk)
        task_queue()
    assert {to for to, _ in emails()} == {"admin@example.org", "manager@example.org"}
    assert set(emails().values()) == {1}
