"""Which reminders are due, who receives them and what they say. No sending here (see tasks.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Min, Q
from django.utils import timezone

from incidentdesk.accounts.models import Role
from incidentdesk.contacts.models import Contact
from incidentdesk.incidents.models import Incident
from incidentdesk.obligations.models import Obligation, ObligationStatus
from incidentdesk.organisation.models import Organisation
from incidentdesk.preparedness.tabletop import last_tabletop_on
from incidentdesk.procedure.references import readable
from incidentdesk.reviews.last import procedure_reviewed_on
from incidentdesk.reviews.models import DocumentReview, ReviewStatus

from .models import Channel, Delivery, Preference, Reminder, ReminderKind

ESCALATE_AFTER = timedelta(hours=1)
ESCALATE_AGAIN_AFTER = timedelta(hours=24)
YEAR = timedelta(days=365)


def _clock_times(obligation: Obligation) -> list[tuple[str, datetime]]:
    start, due = obligation.clock_start_at, obligation.due_at
    times = [(ReminderKind.DUE, due), (ReminderKind.OVERDUE, due + ESCALATE_AFTER),
             (ReminderKind.STILL_OVERDUE, due + ESCALATE_AGAIN_AFTER)]
    if start and due > start:
        span = due - start
        times += [(ReminderKind.HALF, start + span / 2), (ReminderKind.EIGHTY, start + span * 4 / 5)]
    return times


def _yearly(today: date) -> list[tuple[str, datetime]]:
    org = Organisation.objects.filter(pk=1).first()
    if org is None:
        return []
    created = timezone.localtime(org.updated_at).date() if org.updated_at else today
    oldest = Contact.objects.aggregate(oldest=Min("last_verified_on"))["oldest"]
    due = {ReminderKind.PROCEDURE_REVIEW: _procedure_review_due(procedure_reviewed_on() or created),
           ReminderKind.TABLETOP: (last_tabletop_on() or created) + YEAR}  # the last completed exercise
    if oldest:
        due[ReminderKind.CONTACTS_REVIEW] = oldest + YEAR
    return [(kind, timezone.make_aware(datetime.combine(day, time(9)))) for kind, day in due.items()]


def _procedure_review_due(reviewed_on: date) -> date:
    """A year after the procedure's last review, or sooner when a review task of a governance document falls due
    first (after an incident, a change in the law): the yearly reminder names the earliest."""
    earliest = DocumentReview.objects.filter(status=ReviewStatus.OPEN).aggregate(first=Min("due_on"))["first"]
    return min(reviewed_on + YEAR, earliest) if earliest else reviewed_on + YEAR


def plan(now: datetime | None = None) -> int:
    """Create the reminder rows that should exist now (idempotent: existing rows are left alone)."""
    now = now or timezone.now()
    rows = []
    clocks = Obligation.objects.filter(status=ObligationStatus.PENDING, due_at__isnull=False,
                                       due_at__gte=now - timedelta(days=30))
    for obligation in clocks.only("pk", "clock_start_at", "due_at"):
        rows += [Reminder(obligation=obligation, kind=kind, due_at=at) for kind, at in _clock_times(obligation)]
    rows += [Reminder(kind=kind, due_at=at) for kind, at in _yearly(timezone.localdate(now))]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def due(now: datetime | None = None) -> list[Reminder]:
    """Unsent reminders whose time has come, for clocks still running (a done clock needs no reminder)."""
    now = now or timezone.now()
    return list(Reminder.objects.filter(sent_at__isnull=True, due_at__lte=now)
                .filter(Q(obligation__isnull=True) | Q(obligation__status=ObligationStatus.PENDING,
                                                       obligation__completed_at__isnull=True))
                .select_related("obligation__incident__owner", "obligation__assignee"))


def claim(reminder: Reminder, now: datetime | None = None) -> bool:
    """Mark it sent before sending. Only one caller ever wins, even across worker restarts."""
    return Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=now or timezone.now()) == 1


def write_outbox(reminder: Reminder) -> list[Delivery]:
    """One pending delivery per recipient and channel (an address or URL reached twice gets one message).
    Call it in the transaction that claims the reminder and enqueues the deliveries (see ``runner.tick``).

    Everything a message needs is stored now, its text, JSON body and key, so a retry or a re-run after a
    crash sends exactly the same bytes with the same key.
    """
    text = message(reminder, settings.BASE_URL)
    rows: dict[tuple[str, str], Delivery] = {}
    exercise = is_exercise(reminder)

    def add(channel: str, target: str, subject: str, body: str, user: Any = None, key: uuid.UUID | None = None):
        rows.setdefault((channel, target), Delivery(reminder=reminder, user=user, channel=channel, target=target,
                                                    subject=subject, body=body, key=key or uuid.uuid4()))

    for user in recipients(reminder):
        pref = Preference.objects.filter(user=user).first() or Preference(user=user)
        if pref.email and user.email:
            add(Channel.EMAIL, user.email, text.subject, text.body, user)
        if exercise:
            continue  # an exercise reaches only the participants' own inbox: no shared channel, no webhook
        if pref.slack_url:
            add(Channel.SLACK, pref.slack_url, text.subject, json.dumps({"text": f"*{text.subject}*\n{text.body}"}),
                user)
        if pref.webhook_url:
            key = uuid.uuid4()
            add(Channel.WEBHOOK, pref.webhook_url, text.subject, json.dumps(webhook_payload(reminder, text, key)),
                user, key)
    outside = message(reminder, settings.BASE_URL, outsider=True)  # names no restricted incident
    for contact in [] if exercise else escalation_contacts(reminder):
        add(Channel.EMAIL, contact.email, "[Escalation] " + outside.subject, outside.body)
    for delivery in rows.values():
        delivery.save(force_insert=True)
    return list(rows.values())


def is_exercise(reminder: Reminder) -> bool:
    """A reminder of an exercise's clock (issue 15): marked EXERCISE, and sent only to the participants' own
    e-mail inbox, never to a Slack or webhook address, nor escalated to a contact outside the app."""
    return bool(reminder.obligation_id and reminder.obligation.incident.is_exercise)


EXERCISE = "[EXERCISE] "
EXERCISE_NOTE = "EXERCISE — a rehearsal, not a real incident. Nothing is to be sent outside the exercise.\n\n"


def webhook_payload(reminder: Reminder, text: Message, key: uuid.UUID) -> dict[str, Any]:
    """The generic webhook's JSON; ``delivery_id`` repeats the Idempotency-Key header for receivers that only
    read the body."""
    o = reminder.obligation if reminder.obligation_id else None
    return {"event": f"reminder.{reminder.kind}", "delivery_id": str(key), "subject": text.subject,
            "body": text.body, "incident": o.incident.reference if o else None, "rule_id": o.rule_id if o else None,
            "due_at": o.due_at.isoformat() if o else None}


def recipients(reminder: Reminder) -> list[Any]:
    """Who is reminded of a clock, nearest first (issue 13): its assignee, then the incident's owner, then the
    incident managers and administrators (with the management contacts of ``escalation_contacts`` once it is
    overdue).

    - at 50% and 80% of the time: the assignee; without one, the owner; without either, the managers;
    - when due: the assignee and the owner; without either, the managers;
    - overdue (an hour, then a day after): the assignee, the owner and every manager.

    Only people who may still see the incident (the access policy decides: for a restricted incident, only the
    people named on it), and who can still sign in.
    """
    managers = _managers(reminder)
    if reminder.obligation_id is None:
        return managers
    o = reminder.obligation
    incident = o.incident
    near = [u for u in (o.assignee, incident.owner) if u is not None and u.is_active
            and Incident.objects.visible_to(u).filter(pk=incident.pk).exists()]
    near = list(dict.fromkeys(near))  # the assignee may own the incident too
    if reminder.kind in (ReminderKind.HALF, ReminderKind.EIGHTY):
        return near[:1] or managers
    if reminder.kind == ReminderKind.DUE:
        return near or managers
    return list(dict.fromkeys(near + managers))


def _managers(reminder: Reminder) -> list[Any]:
    """Incident managers and administrators who may see the incident (for a restricted one: those named)."""
    users = get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(person__role__in=[Role.ADMINISTRATOR, Role.INCIDENT_MANAGER]))
    incident = reminder.obligation.incident if reminder.obligation_id else None
    if incident is not None and incident.restricted:
        users = users.filter(incident_access__incident=incident)
    users = list(users.distinct())
    if incident is None:
        return users
    return [u for u in users if Incident.objects.visible_to(u).filter(pk=incident.pk).exists()]


def escalation_contacts(reminder: Reminder) -> list[Contact]:
    """When a clock is overdue, the management contacts in escalation order (seed §7): the first one an
    hour after the deadline, the next one a day after. With a single contact, it gets both."""
    step = {ReminderKind.OVERDUE: 0, ReminderKind.STILL_OVERDUE: 1}.get(reminder.kind)
    if step is None:
        return []
    chain = list(Contact.objects.filter(kind="management").exclude(email="").order_by("escalation_order", "name"))
    return [chain[min(step, len(chain) - 1)]] if chain else []


@dataclass
class Message:
    subject: str
    body: str


def message(reminder: Reminder, base_url: str = "", *, outsider: bool = False) -> Message:
    """The reminder's text. ``outsider``: for someone outside the access policy (a management contact from
    the directory), who is told of a restricted incident only that it exists and its clock: no reference,
    no title, no link to it."""
    if reminder.obligation_id is None:
        text = {ReminderKind.PROCEDURE_REVIEW: readable("A review of the incident procedure or another governance "
                                                        "document is due (seed §9): see Document reviews "
                                                        f"at {base_url}/reviews/."),
                ReminderKind.CONTACTS_REVIEW: "A contact in the escalation directory was last verified a year ago.",
                ReminderKind.TABLETOP: readable("The yearly tabletop exercise is due (seed §9).")}[reminder.kind]
        return Message(subject=f"[IncidentDesk] {reminder.get_kind_display()}", body=text)
    o = reminder.obligation
    incident = o.incident
    when = timezone.localtime(o.due_at)
    if outsider and incident.restricted:
        subject = f"[IncidentDesk] A restricted incident: {o.action[:80]} — {reminder.get_kind_display().lower()}"
        body = (f"Reminder: {reminder.get_kind_display()}\n\n"
                "A restricted incident (only the people named on it can see it) has this clock:\n\n"
                f"{o.action}\nDue: {when:%Y-%m-%d %H:%M %Z} ({o.citation})\n\n"
                f"Ask the incident manager for details; sign in at {base_url}/")
        return Message(subject=subject, body=body)
    exercise = (EXERCISE, EXERCISE_NOTE) if incident.is_exercise else ("", "")
    subject = (f"{exercise[0]}[IncidentDesk] {incident.reference}: {o.action[:80]} — "
               f"{reminder.get_kind_display().lower()}")
    body = (f"{exercise[1]}Reminder: {reminder.get_kind_display()}\n\n"
            f"{incident.reference} · {incident.title}\n\n{o.action}\nDue: {when:%Y-%m-%d %H:%M %Z} ({o.citation})\n"
            f"Recipient of the notification: {o.recipient}\n\n{base_url}/incidents/{incident.reference}/")
    return Message(subject=subject, body=body)
