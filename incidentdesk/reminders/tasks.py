"""Side effects: send the outbox rows a claimed reminder wrote (email, Slack-compatible webhook, signed webhook).

One task per delivery, so a task is short (at most ``DELIVERY_ATTEMPTS`` tries) and a task put back in the
queue after a crash re-sends one message at most. Each attempt is committed as "sending" with its count
before the message leaves, and the outcome (delivered or failed) after, with its audit event.

At least once: a worker killed after the receiver accepted a message but before the row said so sends it
again on the re-run. Webhooks carry the delivery's key (``Idempotency-Key``, ``X-IncidentDesk-Delivery``)
and emails use it as their Message-ID, so the receiver can tell it is the same message. Webhooks are retried
with exponential backoff; email is handed to the SMTP server once (the server queues and retries on its side).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from incidentdesk.audit import services as audit

from . import services
from .models import Channel, Delivery, DeliveryStatus, Preference, Reminder

DONE = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)


def _send_email(delivery: Delivery) -> None:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "incidentdesk"
    EmailMessage(delivery.subject, delivery.body, None, [delivery.target],
                 headers={"Message-ID": f"<{delivery.key}@{domain}>",
                          "X-IncidentDesk-Delivery": str(delivery.key)}).send()


def signature(secret: str, stamp: str, body: bytes) -> str:
    """``sha256=`` HMAC of "<timestamp>.<body>": a receiver that checks the timestamp's age refuses replays."""
    return "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _post(delivery: Delivery) -> None:
    body, stamp, key = delivery.body.encode(), str(int(time.time())), str(delivery.key)
    headers = {"Content-Type": "application/json", "User-Agent": "IncidentDesk", "Idempotency-Key": key,
               "X-IncidentDesk-Delivery": key, "X-IncidentDesk-Timestamp": stamp}
    if delivery.channel == Channel.WEBHOOK:
        secret = Preference.objects.filter(user_id=delivery.user_id).values_list("webhook_secret", flat=True).first()
        if secret:
            headers["X-IncidentDesk-Signature"] = signature(secret, stamp, body)
    request = urllib.request.Request(delivery.target, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=settings.DELIVERY_TIMEOUT_SECONDS) as response:
        if response.status >= 300:
            raise OSError(f"HTTP {response.status}")


SENDERS: dict[str, Callable[[Delivery], None]] = {Channel.EMAIL: _send_email, Channel.SLACK: _post,
                                                  Channel.WEBHOOK: _post}


def _tries_left(delivery: Delivery) -> int:
    """Webhooks get ``DELIVERY_ATTEMPTS`` in all, across re-runs; email one per run (the SMTP server retries)
    and a re-run only after an attempt a crash interrupted. The cap ends a loop of crashes."""
    per_run = 1 if delivery.channel == Channel.EMAIL else settings.DELIVERY_ATTEMPTS
    return max(0, min(per_run, settings.DELIVERY_ATTEMPTS - delivery.attempts))


def _begin_attempt(delivery: Delivery) -> None:
    """Committed before the message leaves: a crash from here on leaves a row that says an attempt started."""
    delivery.status, delivery.attempts, delivery.attempted_at = (DeliveryStatus.SENDING, delivery.attempts + 1,
                                                                  timezone.now())
    delivery.save(update_fields=["status", "attempts", "attempted_at"])


def _finish(delivery: Delivery, status: str, error: str = "") -> None:
    """The outcome and its audit event, in one transaction. The event shows the target without secrets."""
    delivery.status, delivery.last_error, delivery.finished_at = status, error, timezone.now()
    reminder = delivery.reminder
    incident = (reminder.obligation.incident if reminder and reminder.obligation_id else None) or delivery.incident
    what = reminder.get_kind_display() if reminder else "Mention in a comment" if delivery.incident_id else "Reminder"
    how = f"{delivery.get_channel_display()} to {delivery.shown_target}"
    delivered = status == DeliveryStatus.DELIVERED
    with transaction.atomic():
        delivery.save(update_fields=["status", "last_error", "finished_at"])
        audit.record(action="reminder.delivered" if delivered else "reminder.delivery_failed",
                     object_type="delivery", object_id=delivery.pk, by=None,
                     incident_ref=incident.reference if incident else "",
                     after={"channel": delivery.channel, "to": delivery.shown_target, "attempts": delivery.attempts,
                            "key": str(delivery.key), "error": error},
                     summary=(f"Reminder sent ({what}): {how}" if delivered
                              else f"Reminder could not be sent ({what}): {how}, after {delivery.attempts} "
                                   f"attempt(s): {error}"))


def _without_secrets(delivery: Delivery, error: str) -> str:
    """An error message may quote the URL or its path (Slack's carries the secret): keep only the host."""
    if delivery.channel == Channel.EMAIL:
        return error
    path = urlsplit(delivery.target)._replace(scheme="", netloc="").geturl()
    error = error.replace(delivery.target, delivery.shown_target)
    return error.replace(path, "/…") if len(path) > 1 else error


def _leaves_an_exercise(delivery: Delivery) -> bool:
    """The last guard (issue 15): a message about an exercise goes to a participant's own e-mail, or nowhere."""
    reminder = delivery.reminder
    incident = reminder.obligation.incident if reminder is not None and reminder.obligation_id else None
    incident = incident or delivery.incident  # a routing notice or a mention names its incident itself
    if incident is None or not incident.is_exercise:
        return False
    return delivery.channel != Channel.EMAIL or delivery.user_id is None


def send_one(delivery: Delivery) -> None:
    """Attempt one delivery unless it is done; failures are recorded and retried, never raised into the worker."""
    if delivery.status in DONE:
        return
    if _leaves_an_exercise(delivery):
        _finish(delivery, DeliveryStatus.FAILED, "not sent: an exercise's reminders reach only the participants' "
                                                 "own e-mail inbox")
        return
    tries = _tries_left(delivery)
    if tries == 0:
        _finish(delivery, DeliveryStatus.FAILED, "the worker stopped during the last allowed attempt")
        return
    for n in range(tries):
        _begin_attempt(delivery)
        try:
            SENDERS[delivery.channel](delivery)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
            error = _without_secrets(delivery, f"{type(exc).__name__}: {exc}")[:2000]
            if n + 1 == tries:
                _finish(delivery, DeliveryStatus.FAILED, error)
                return
            delivery.last_error = error
            delivery.save(update_fields=["last_error"])
            time.sleep(settings.DELIVERY_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1))
        else:
            _finish(delivery, DeliveryStatus.DELIVERED)
            return


def _outbox_rows(**filters) -> list[Delivery]:
    return list(Delivery.objects.filter(**filters).exclude(status__in=DONE)
                .select_related("reminder__obligation__incident", "incident").order_by("pk"))


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one outbox row; a re-run after a crash sends it only if it is not delivered yet. Returns its status."""
    rows = _outbox_rows(pk=delivery_id)
    for delivery in rows:
        send_one(delivery)
    return rows[0].status if rows else "done"


def send_deliveries(delivery_ids: list[int]) -> None:
    """Queue one ``send_delivery`` task per outbox row, as ``send_delivery.enqueue`` each would, in one insert when
    the tasks live in the database (decision 232: recording an incident tells several teams at once). The rows
    are the ones ``enqueue`` writes (django-tasks-db 0.13's ``_task_to_db_task``, with the "no run_after: the
    far future" its pre_save handler sets, which a bulk insert does not send); another backend is called once
    per row."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = send_delivery.get_backend()
    if not isinstance(backend, DatabaseBackend) or len(delivery_ids) < 2:
        for pk in delivery_ids:
            send_delivery.enqueue(pk)
        return
    backend.validate_task(send_delivery)
    DBTaskResult.objects.bulk_create([
        DBTaskResult(id=backend._get_id(), args_kwargs=normalize_json({"args": (pk,), "kwargs": {}}),
                     priority=send_delivery.priority, task_path=send_delivery.module_path,
                     queue_name=send_delivery.queue_name, run_after=send_delivery.run_after or get_date_max(),
                     backend_name=backend.alias)
        for pk in delivery_ids])


@task()
def deliver(reminder_id: int) -> int:
    """A reminder's whole outbox in one task: what versions before the outbox queued (one task per reminder,
    no delivery rows yet). Writes the outbox if it has none, then sends what is not delivered."""
    reminder = Reminder.objects.select_related("obligation__incident").get(pk=reminder_id)
    with transaction.atomic():
        Reminder.objects.select_for_update().filter(pk=reminder_id).first()  # one writer of its outbox
        if not Delivery.objects.filter(reminder=reminder).exists():
            services.write_outbox(reminder)
    rows = _outbox_rows(reminder=reminder)
    for delivery in rows:
        send_one(delivery)
    return len(rows)
