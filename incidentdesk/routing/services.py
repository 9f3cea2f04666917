"""Internal routing (playbook step 3 "Report"): tell each internal team its routing rule names, expect an
acknowledgement within the team's clock, escalate down the directory, and finally tell the incident owner.

Everything a notice sends is written in the transaction that causes it: the notice, its step, the outbox row
(``reminders.Delivery``) and the worker's task, so a crash loses all of it or none. Escalation runs in the
reminders pass (``incidentdesk remind``); each step is unique per notice and taken under a row lock, so two
passes at once never tell the same person twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from incidentdesk.assessment.facts import IncidentFacts
from incidentdesk.audit import services as audit
from incidentdesk.contacts.models import Contact
from incidentdesk.contacts.services import escalation_chain
from incidentdesk.incidents import facts as incident_facts
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.incidents.policy import may_see_new
from incidentdesk.refusals import Conflict, NotFound, Refused
from incidentdesk.reminders.models import Channel, Delivery
from incidentdesk.reminders.tasks import send_deliveries, send_delivery
from incidentdesk.times import with_utc

from . import messages
from .models import AckChannel, Notice, NoticeStep
from .rules import Decision, decide

SALT = "incidentdesk.routing.ack"


class LinkRefused(Refused):
    """An acknowledgement link that cannot be used (expired, already used); nothing was changed."""


class LinkNotFound(NotFound):
    """A link this server did not sign (forged or mistyped); nothing was changed."""


# --- deciding and telling ------------------------------------------------------------------------------------

def decisions(incident: Incident, facts: IncidentFacts | None = None) -> list[Decision]:
    """Every routing rule's outcome for the incident's facts and level, with the facts that decided it."""
    return decide(facts or incident_facts.facts_for(incident), incident.severity_level)


def on_reassess(*, incident: Incident, by: Any, now: datetime, recorded: IncidentFacts | None = None) -> list[Notice]:
    """Called whenever the incident's facts or level were (re)assessed (settings.AFTER_REASSESS): create the
    notice of each team a rule now names and that was not told yet. A notice is never withdrawn when facts
    change back: the team was told, and the record says so.

    ``recorded``: the facts of an incident recorded in this transaction (nobody was told yet): its notices are
    written together (``_open_first_notices``, decision 232)."""
    if recorded is not None:
        return _open_first_notices(incident, [d for d in decisions(incident, recorded) if d.applies is True], by, now)
    told = set(Notice.objects.filter(incident=incident).values_list("team", flat=True))
    created = []
    for decision in decisions(incident):
        if decision.applies is True and decision.route.team not in told:
            notice = _open_notice(incident, decision, by, now)
            if notice is not None:
                created.append(notice)
    return created


def _open_notice(incident: Incident, decision: Decision, by: Any, now: datetime) -> Notice | None:
    route = decision.route
    try:
        with transaction.atomic():
            notice = Notice.objects.create(incident=incident, team=route.team, rule_id=route.id, reason=route.reason,
                                           because=decision.because, citation=route.citation,
                                           ack_hours=route.ack_hours, created_at=now)
            audit.record(action="routing.notice", object_type="routing_notice", object_id=notice.pk, by=by,
                         incident_ref=incident.reference,
                         after={"team": route.team, "rule": route.id, "because": decision.because,
                                "ack_hours": route.ack_hours},
                         summary=f"{notice.get_team_display()} is to be told: {'; '.join(decision.because)}")
            _tell_next(notice, now, by)
    except IntegrityError:
        return None  # another request told this team of this incident at the same moment
    return notice


def _open_first_notices(incident: Incident, wanted: list[Decision], by: Any, now: datetime) -> list[Notice]:
    """The notices of a new incident and their first steps, as ``_open_notice`` and ``_tell_next`` write them one
    by one (same rows, same outbox, same events in the same order), in a fixed number of statements: the
    notices, the first contact of every team, the steps, the e-mails and the steps' links to them. No other
    request can have told a team of an incident not yet committed, so there is no conflict to fall back on."""
    if not wanted:
        return []
    notices = Notice.objects.bulk_create([
        Notice(incident=incident, team=d.route.team, rule_id=d.route.id, reason=d.route.reason, because=d.because,
               citation=d.route.citation, ack_hours=d.route.ack_hours, created_at=now) for d in wanted])
    owner = _owner(incident, new=True) if incident.is_exercise else None  # decision 190: tells its owner
    steps = _first_steps(incident, notices, now, owner)
    made = NoticeStep.objects.bulk_create([step for step in steps if step is not None])
    emails = _write_first_emails(incident, made, owner)
    for notice, decision, step in zip(notices, wanted, steps, strict=True):
        audit.record(action="routing.notice", object_type="routing_notice", object_id=notice.pk, by=by,
                     incident_ref=incident.reference,
                     after={"team": decision.route.team, "rule": decision.route.id, "because": decision.because,
                            "ack_hours": decision.route.ack_hours},
                     summary=f"{notice.get_team_display()} is to be told: {'; '.join(decision.because)}")
        if step is not None:
            _audit_step(notice, step, by)
    send_deliveries(emails)  # after the events that say who is told, as each step's own events came first
    return notices


def _first_steps(incident: Incident, notices: list[Notice], now: datetime, user: Any) -> list[NoticeStep | None]:
    """Step 0 of each new notice (unsaved): the team's first contact, an exercise's owner (``user``), or None
    (a gap)."""
    if incident.is_exercise:  # decision 190: its own participant, never the directory
        name = (user.get_full_name() or user.get_username()) if user else "Nobody: the incident has no owner"
        return [NoticeStep(notice=notice, number=0, is_owner=True, recipient_name=name,
                           recipient_email=getattr(user, "email", "") or "", sent_at=now,
                           ack_due_at=now + timedelta(hours=notice.ack_hours)) for notice in notices]
    first: dict[str, Contact] = {}
    for contact in Contact.objects.filter(kind__in={n.team for n in notices}).order_by("escalation_order", "name"):
        first.setdefault(contact.kind, contact)  # escalation_chain's order: its first contact
    return [NoticeStep(notice=notice, number=0, contact=contact, recipient_name=contact.name,
                       recipient_email=contact.email, sent_at=now, ack_due_at=now + timedelta(hours=notice.ack_hours))
            if (contact := first.get(notice.team)) else None for notice in notices]


def _write_first_emails(incident: Incident, steps: list[NoticeStep], owner: Any) -> list[int]:
    """The e-mail of each first step that has an address: the outbox rows and the steps' links to them; returns
    the rows to queue."""
    texts = []
    for step in steps:
        if not step.recipient_email:
            continue
        if step.is_owner:
            texts.append((step, owner, messages.for_exercise(step)))
        else:
            texts.append((step, None, messages.for_contact(step, link_token(step))))
    if not texts:
        return []
    deliveries = Delivery.objects.bulk_create([
        Delivery(user=user, incident=incident, channel=Channel.EMAIL, target=step.recipient_email,
                 subject=text.subject, body=text.body) for step, user, text in texts])
    for (step, _, _), delivery in zip(texts, deliveries, strict=True):
        step.delivery = delivery
    NoticeStep.objects.bulk_update([step for step, _, _ in texts], ["delivery"])
    return [delivery.pk for delivery in deliveries]


def _next_contact(notice: Notice) -> Contact | None:
    already = set(notice.steps.exclude(contact=None).values_list("contact_id", flat=True))
    return next((c for c in escalation_chain(notice.team) if c.pk not in already), None)


def _tell_next(notice: Notice, now: datetime, by: Any = None) -> NoticeStep | None:
    """Tell the next contact of the team (or, with the directory exhausted, the incident owner): the step, its
    e-mail in the outbox and its task, in the caller's transaction. None: nobody in the directory (a gap).
    An exercise's notice goes straight to its owner (the facilitator), marked EXERCISE: the team rehearses the
    acknowledgement, and no directory contact hears of a rehearsal. The e-mail names its incident, so it is
    hidden from whoever may not see it and goes with the incident when it is deleted."""
    steps = list(notice.steps.all())
    number = len(steps)
    exercise = notice.incident.is_exercise  # decision 190: its own participant, never the directory
    contact = None if exercise else _next_contact(notice)
    if contact is None and not steps and not exercise:
        return None  # a gap: shown in the workspace with a link to add a contact; the pass retries later
    if contact is None and steps and steps[-1].is_owner:
        return None  # the owner was told already: nobody is left
    due = now + timedelta(hours=notice.ack_hours)
    if contact is not None:
        step = NoticeStep.objects.create(notice=notice, number=number, contact=contact, recipient_name=contact.name,
                                         recipient_email=contact.email, sent_at=now, ack_due_at=due)
        text = messages.for_contact(step, link_token(step)) if contact.email else None
        user = None
    else:
        user = _owner(notice.incident)
        name = (user.get_full_name() or user.get_username()) if user else "Nobody: the incident has no owner"
        step = NoticeStep.objects.create(notice=notice, number=number, is_owner=True, recipient_name=name,
                                         recipient_email=getattr(user, "email", "") or "", sent_at=now,
                                         ack_due_at=due)
        compose = messages.for_exercise if exercise else messages.for_owner
        text = compose(step) if step.recipient_email else None
    if text is not None:
        step.delivery = Delivery.objects.create(user=user, incident=notice.incident, channel=Channel.EMAIL,
                                                target=step.recipient_email, subject=text.subject, body=text.body)
        step.save(update_fields=["delivery"])
        send_delivery.enqueue(step.delivery.pk)
    _audit_step(notice, step, by)
    return step


def _owner(incident: Incident, *, new: bool = False) -> Any:
    """The incident owner (or, with none, whoever recorded it), if they are active and may see the incident: the
    e-mail names it, and a restricted incident stays with the people named on it.

    ``new``: recorded in this transaction, so the policy is decided in memory (``may_see_new``, decision 270)."""
    for user in (incident.owner, incident.created_by):
        if user is None or not user.is_active:
            continue
        if may_see_new(user, incident) if new else (
                Incident.objects.visible_to(user).filter(pk=incident.pk).exists()):
            return user
    return None


def _audit_step(notice: Notice, step: NoticeStep, by: Any) -> None:
    team = notice.get_team_display()
    if step.is_owner:
        summary = f"Nobody for {team} acknowledged: the incident owner, {step.recipient_name}, was told"
    elif step.number:
        summary = f"{team} had not acknowledged: escalated to {step.recipient_name}"
    else:
        summary = f"{team} told: {step.recipient_name}"
    if not step.recipient_email:
        summary += " (no e-mail address in the directory: reach them as it says)"
    audit.record(action="routing.escalated" if step.number else "routing.told", object_type="routing_notice",
                 object_id=notice.pk, by=by, incident_ref=notice.incident.reference,
                 after={"step": step.number, "to": step.recipient_name, "email": step.recipient_email,
                        "ack_due_at": step.ack_due_at, "owner": step.is_owner}, summary=summary)


# --- escalation (the reminders pass) -------------------------------------------------------------------------

def escalate(now: datetime | None = None) -> int:
    """One pass: each unacknowledged notice whose clock ran out goes to the next contact (then the owner), and
    each gap whose team now has a contact is told. Returns how many people were told."""
    now = now or timezone.now()
    told = 0
    for pk in _due_notices(now):
        try:
            told += _escalate_one(pk, now)
        except IntegrityError:
            continue  # another pass took this step at the same moment: it is told once
    return told


def _due_notices(now: datetime) -> list[int]:
    """Open notices with something to do, found in one query: the last step's clock ran out (and it was not the
    owner's), or nobody was told yet and the team now has a contact. The pass stays cheap with many notices."""
    last = NoticeStep.objects.filter(notice=OuterRef("pk")).order_by("-number")
    staffed = Contact.objects.values("kind").distinct()
    return list(Notice.objects.filter(acknowledged_at__isnull=True).exclude(incident__status=Status.CLOSED)
                .annotate(last_due=Subquery(last.values("ack_due_at")[:1]),
                          last_owner=Subquery(last.values("is_owner")[:1]))
                .filter(Q(last_due__isnull=True, team__in=staffed) | Q(last_due__lte=now, last_owner=False))
                .order_by("pk").values_list("pk", flat=True))


def _escalate_one(pk: int, now: datetime) -> int:
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=pk, acknowledged_at__isnull=True).first()
        if notice is None:
            return 0
        last = notice.last_step
        if last is not None and (last.is_owner or last.ack_due_at > now):
            return 0
        return 1 if _tell_next(notice, now) is not None else 0


def escalation_pass(now: datetime | None = None) -> int:
    """The reminder schedule's pass (settings.SCHEDULED_PASSES)."""
    return escalate(now)


# --- acknowledging -------------------------------------------------------------------------------------------

def acknowledge(*, notice: Notice, by: Any, via: str = AckChannel.WORKSPACE, note: str = "",
                now: datetime | None = None) -> Notice:
    """A signed-in person records that the team acknowledged (they heard by phone, in a meeting…)."""
    ensure_open(notice.incident)
    name = (by.get_full_name() or by.get_username()) if getattr(by, "pk", None) else ""
    return _record_ack(notice, by=by, name=f"{name}, on the team's behalf", via=via, note=note, now=now)


def _record_ack(notice: Notice, *, by: Any, name: str, via: str, note: str, now: datetime | None) -> Notice:
    now = now or timezone.now()
    with transaction.atomic():
        fresh = Notice.objects.select_for_update().get(pk=notice.pk)
        if fresh.acknowledged_at:
            raise Conflict(f"{fresh.get_team_display()} already acknowledged this on {with_utc(fresh.acknowledged_at)} "
                           f"({fresh.acknowledged_by_name}); nothing was changed.")
        fresh.acknowledged_at, fresh.acknowledged_by_name, fresh.acknowledged_via = now, name[:200], via
        fresh.acknowledged_by = by if getattr(by, "pk", None) else None
        fresh.ack_note = note.strip()
        fresh.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_by_name", "acknowledged_via",
                                  "ack_note"])
        audit.record(action="routing.acknowledged", object_type="routing_notice", object_id=fresh.pk, by=by,
                     incident_ref=fresh.incident.reference,
                     after={"team": fresh.team, "by": fresh.acknowledged_by_name, "via": via, "note": fresh.ack_note},
                     summary=f"{fresh.get_team_display()} acknowledged ({fresh.acknowledged_by_name}, "
                             f"{AckChannel(via).label.lower()})")
    return fresh


def link_token(step: NoticeStep) -> str:
    """A signed, timestamped token naming the step (and so the person) it was sent to; no row stores it."""
    return signing.dumps({"step": step.pk}, salt=SALT, compress=False)


def step_for_link(token: str, now: datetime | None = None) -> NoticeStep:
    """The step a link was sent for. Forged: not found; too old: refused. Reading it changes nothing."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.ROUTING_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkRefused("This acknowledgement link has expired. Please tell the incident manager that your "
                          "team has seen the incident; nothing was changed.") from exc
    except signing.BadSignature as exc:
        raise LinkNotFound("This is not a valid acknowledgement link; nothing was changed.") from exc
    step = NoticeStep.objects.select_related("notice__incident").filter(pk=data.get("step")).first()
    if step is None:
        raise LinkNotFound("This acknowledgement link no longer leads anywhere; nothing was changed.")
    return step


def acknowledge_by_link(token: str, now: datetime | None = None) -> Notice:
    """The contact acknowledges through the link in the e-mail, without signing in. The link works once: once
    the team has acknowledged (by any route), it is refused."""
    step = step_for_link(token, now)
    if step.notice.acknowledged_at:
        raise LinkRefused("Your team's acknowledgement is already recorded; this link cannot be used again. "
                          "Nothing was changed.")
    if step.notice.incident.status == Status.CLOSED:
        raise LinkRefused("The incident is closed; nothing was changed.")
    try:
        return _record_ack(step.notice, by=None, name=step.recipient_name, via=AckChannel.LINK,
                           note="", now=now)
    except Conflict as exc:
        raise LinkRefused(str(exc)) from exc
