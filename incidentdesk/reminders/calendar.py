"""A private iCalendar feed of the clocks a person can see, so deadlines appear in their own calendar."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from icalendar import Alarm, Calendar, Event

from incidentdesk.audit import services as audit
from incidentdesk.obligations.models import Obligation, ObligationStatus

from .models import CalendarFeed


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed(user: Any, by: Any = None) -> str:
    """Create (or replace) the person's feed; returns the token for the link, shown once.

    The link is a credential (whoever holds it reads the person's clocks), so creating and replacing it are
    audit events; the token is not in them, nor its digest.
    """
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        _, created = CalendarFeed.objects.update_or_create(user=user, defaults={"digest": _digest(token)})
        verb = "created" if created else "replaced"
        audit.record(action=f"calendar_link.{verb}", object_type="calendarfeed", object_id=user.pk,
                     by=by if by is not None else user, after={"username": user.get_username()},
                     summary=f"Private calendar link of {user.get_username()} {verb}"
                             + ("; the earlier link no longer works" if not created else ""))
    return token


def remove_feed(user: Any, by: Any = None) -> bool:
    """Remove the person's feed, so its link stops working at once; False when there was none (no event)."""
    with transaction.atomic():
        deleted, _ = CalendarFeed.objects.filter(user=user).delete()
        if deleted:
            audit.record(action="calendar_link.removed", object_type="calendarfeed", object_id=user.pk,
                         by=by if by is not None else user, after={"username": user.get_username()},
                         summary=f"Private calendar link of {user.get_username()} removed; it no longer works")
    return bool(deleted)


def owner(token: str) -> Any | None:
    feed = CalendarFeed.objects.select_related("user").filter(digest=_digest(token)).first()
    return feed.user if feed and feed.user.is_active else None


def feed(user: Any) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//IncidentDesk//clocks//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "IncidentDesk clocks")
    clocks = (Obligation.objects.visible_to(user).filter(due_at__isnull=False,
                                        status__in=[ObligationStatus.PENDING, ObligationStatus.MAY_APPLY])
              .select_related("incident", "snapshot").order_by("due_at")[:2000])
    for o in clocks:
        event = Event()
        event.add("uid", f"{o.incident.reference}-{o.rule_id}@incidentdesk")
        exercise = "EXERCISE " if o.incident.is_exercise else ""  # a rehearsal's clock says so (issue 15)
        may_apply = " (may apply)" if o.status == "may_apply" else ""
        event.add("summary", f"{exercise}{o.incident.reference}: {o.action}{may_apply}")
        event.add("dtstart", o.due_at)
        event.add("dtend", o.due_at)
        reading = f"\nOur reading: {o.our_reading}" if o.our_reading else ""
        event.add("description", f"{o.citation}{reading}\n{settings.BASE_URL}/incidents/{o.incident.reference}/")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", o.action)
        # Ring when 80% of the time has run (or an hour before, when the clock start is not known).
        alarm.add("trigger", -(o.due_at - o.clock_start_at) / 5 if o.clock_start_at else -timedelta(hours=1))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
