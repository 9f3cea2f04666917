"""Record a notification that was sent; if it answers an obligation, that obligation is done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.assessment.facts import FUTURE_SKEW
from incidentdesk.audit import services as audit
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.models import Incident

from .models import Channel, Notification


def record_notification(*, incident: Incident, recipient: str, sent_at: datetime, by: Any,
                        channel: str = Channel.EMAIL, rule_id: str | None = None, reference: str = "",
                        summary: str = "", now: datetime | None = None) -> Notification:
    now = now or timezone.now()
    if not recipient.strip():
        raise incidents.IncidentRefused("recipient: say to whom the notification was sent")
    if channel not in Channel.values:
        raise incidents.IncidentRefused(f"channel: choose one of {', '.join(Channel.values)}")
    if sent_at > now + FUTURE_SKEW:
        raise incidents.IncidentRefused("sent_at lies in the future")
    obligation = None
    if rule_id:
        obligation = incident.obligations.filter(rule_id=rule_id).first()
        if obligation is None:
            raise incidents.IncidentRefused(f"{incident.reference} has no obligation {rule_id!r}")
    with transaction.atomic():
        notification = Notification.objects.create(
            incident=incident, obligation=obligation, recipient=recipient.strip(), channel=channel, sent_at=sent_at,
            reference=reference, summary=summary, recorded_by=by if getattr(by, "pk", None) else None)
        audit.record(action="notification.recorded", object_type="notification", object_id=notification.pk, by=by,
                     incident_ref=incident.reference, after=audit.snapshot(notification))
        if obligation and obligation.completed_at is None:
            incidents.complete_obligation(incident=incident, rule_id=rule_id, at=sent_at, by=by, now=now)
    return notification
