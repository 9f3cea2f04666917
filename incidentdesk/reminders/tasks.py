"""Side effects: send a claimed reminder by email, Slack-compatible webhook and signed webhook.

Each attempt is recorded (``Delivery``). Webhooks are retried with exponential backoff; email is
handed to the SMTP server once (the server queues and retries on its side).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from .models import Channel, Delivery, Preference, Reminder
from .services import escalation_contacts, message, recipients


def _post(url: str, payload: dict, secret: str = "") -> None:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "IncidentDesk"}
    if secret:
        headers["X-IncidentDesk-Signature"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=settings.DELIVERY_TIMEOUT_SECONDS) as response:
        if response.status >= 300:
            raise OSError(f"HTTP {response.status}")


def _attempt(delivery: Delivery, retries: int, send, *args) -> None:
    for attempt in range(1, retries + 1):
        delivery.attempts = attempt
        try:
            send(*args)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried, never raised into the worker
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if attempt < retries:
                time.sleep(settings.DELIVERY_BACKOFF_SECONDS * 2 ** (attempt - 1))
        else:
            delivery.ok, delivery.last_error = True, ""
            break
    delivery.save()


@task()
def deliver(reminder_id: int) -> int:
    """Send one claimed reminder to everyone who should get it; returns the number of deliveries."""
    reminder = Reminder.objects.select_related("obligation__incident").get(pk=reminder_id)
    text = message(reminder, settings.BASE_URL)
    count = 0
    for user in recipients(reminder):
        pref = Preference.objects.filter(user=user).first() or Preference(user=user)
        if pref.email and user.email:
            delivery = Delivery(reminder=reminder, channel=Channel.EMAIL, target=user.email, subject=text.subject,
                                body=text.body)
            _attempt(delivery, 1, send_mail, text.subject, text.body, None, [user.email])
            count += 1
        if pref.slack_url:
            delivery = Delivery(reminder=reminder, channel=Channel.SLACK, target=pref.slack_url,
                                subject=text.subject, body=text.body)
            _attempt(delivery, settings.DELIVERY_ATTEMPTS, _post, pref.slack_url,
                     {"text": f"*{text.subject}*\n{text.body}"})
            count += 1
        if pref.webhook_url:
            payload = {"event": f"reminder.{reminder.kind}", "subject": text.subject, "body": text.body,
                       "incident": reminder.obligation.incident.reference if reminder.obligation_id else None,
                       "rule_id": reminder.obligation.rule_id if reminder.obligation_id else None,
                       "due_at": reminder.obligation.due_at.isoformat() if reminder.obligation_id else None}
            delivery = Delivery(reminder=reminder, channel=Channel.WEBHOOK, target=pref.webhook_url,
                                subject=text.subject, body=json.dumps(payload))
            _attempt(delivery, settings.DELIVERY_ATTEMPTS, _post, pref.webhook_url, payload, pref.webhook_secret)
            count += 1
    outside = message(reminder, settings.BASE_URL, outsider=True)  # names no restricted incident
    for contact in escalation_contacts(reminder):
        delivery = Delivery(reminder=reminder, channel=Channel.EMAIL, target=contact.email,
                            subject="[Escalation] " + outside.subject, body=outside.body)
        _attempt(delivery, 1, send_mail, delivery.subject, outside.body, None, [contact.email])
        count += 1
    return count
