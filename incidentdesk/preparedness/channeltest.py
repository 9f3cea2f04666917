"""Send a test reminder through a person's real reminder channels, so the readiness check can say whether
reminders reach anyone (issue 15). The messages go through the reminders' own outbox and worker task, so
the test proves the path a real reminder takes, and its outcome is the deliveries' status."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused
from incidentdesk.reminders.models import Channel, Delivery, DeliveryStatus, Preference
from incidentdesk.reminders.tasks import send_delivery

from .models import ChannelTest

SUBJECT = "[IncidentDesk] Test reminder"
BODY = ("This is a test of your IncidentDesk reminders, sent from the readiness check. If you read this, "
        "reminders of deadlines reach you on this channel. Nothing needs to be done.")


def _deliveries(user: Any) -> list[Delivery]:
    pref = Preference.objects.filter(user=user).first() or Preference(user=user)
    rows = []
    if pref.email and user.email:
        rows.append(Delivery(user=user, channel=Channel.EMAIL, target=user.email, subject=SUBJECT, body=BODY))
    if pref.slack_url:
        rows.append(Delivery(user=user, channel=Channel.SLACK, target=pref.slack_url, subject=SUBJECT,
                             body=json.dumps({"text": f"*{SUBJECT}*\n{BODY}"})))
    if pref.webhook_url:
        key = uuid.uuid4()
        rows.append(Delivery(user=user, channel=Channel.WEBHOOK, target=pref.webhook_url, subject=SUBJECT, key=key,
                             body=json.dumps({"event": "reminder.test", "delivery_id": str(key), "subject": SUBJECT,
                                              "body": BODY, "incident": None})))
    return rows


def send_test(*, user: Any, now: datetime | None = None) -> ChannelTest:
    """One test message on each of the person's channels, written and queued in one transaction."""
    now = now or timezone.now()
    rows = _deliveries(user)
    if not rows:
        raise Refused("You have no reminder channel: add an e-mail address to your account, or a Slack or "
                      f"webhook address under Reminders on your account page ({settings.BASE_URL}/account/)")
    with transaction.atomic():
        test = ChannelTest.objects.create(user=user, user_name=audit.actor_name(user), sent_at=now)
        for row in rows:
            row.save(force_insert=True)
        test.deliveries.set(rows)
        audit.record(action="reminders.test_sent", object_type="channeltest", object_id=test.pk, by=user,
                     after={"channels": [f"{r.get_channel_display()} to {r.shown_target}" for r in rows]},
                     summary=f"Test reminder sent to {test.user_name}: "
                             + ", ".join(f"{r.get_channel_display()} to {r.shown_target}" for r in rows))
        for row in rows:
            send_delivery.enqueue(row.pk)
    return test


def outcome(test: ChannelTest) -> tuple[bool | None, str]:
    """Whether the test got through on every channel (None while a message is still waiting), in words."""
    rows = list(test.deliveries.all())
    words = "; ".join(f"{r.get_channel_display()} to {r.shown_target}: {r.get_status_display().lower()}"
                      + (f" ({r.last_error})" if r.status == DeliveryStatus.FAILED and r.last_error else "")
                      for r in rows)
    if any(r.status == DeliveryStatus.FAILED for r in rows):
        return False, words
    if rows and all(r.status == DeliveryStatus.DELIVERED for r in rows):
        return True, words
    return None, words
