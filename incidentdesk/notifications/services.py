"""Record a notification that was sent; if it answers an obligation, that obligation is done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk import assignment
from incidentdesk.assessment.facts import FUTURE_SKEW
from incidentdesk.audit import services as audit
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.obligations import services as obligations
from incidentdesk.obligations.models import Obligation
from incidentdesk.refusals import Conflict, NotFound, Refused

from . import drafts
from .models import Channel, Notification, NotificationDraft


def _check_sending(*, recipient: str, channel: str, sent_at: datetime, now: datetime) -> None:
    """What a person typed about the sending, checked before anything else is looked at."""
    if not recipient.strip():
        raise incidents.IncidentRefused("recipient: say to whom the notification was sent")
    if channel not in Channel.values:
        raise incidents.IncidentRefused(f"channel: choose one of {', '.join(Channel.values)}")
    if sent_at > now + FUTURE_SKEW:
        raise incidents.IncidentRefused("sent_at lies in the future")


def record_notification(*, incident: Incident, recipient: str, sent_at: datetime, by: Any,
                        channel: str = Channel.EMAIL, rule_id: str | None = None, reference: str = "",
                        summary: str = "", now: datetime | None = None) -> Notification:
    ensure_open(incident)
    now = now or timezone.now()
    _check_sending(recipient=recipient, channel=channel, sent_at=sent_at, now=now)
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
            obligations.complete_obligation(incident=incident, rule_id=rule_id, at=sent_at, by=by, now=now,
                                            how=f"Notification sent to {recipient.strip()}")
    return notification


class AcknowledgementRefused(Refused):
    """The acknowledgement cannot be recorded as given; nothing was stored."""


class AlreadyAcknowledged(Conflict):
    """The notification's acknowledgement is already on record."""


def notification_for(incident: Incident, rule_id: str) -> Notification:
    """The latest notification that met ``rule_id`` (the command line names a notice by its obligation)."""
    row = (Notification.objects.filter(incident=incident, obligation__rule_id__iexact=(rule_id or "").strip())
           .order_by("-sent_at").first())
    if row is None:
        raise NotFound(f"{incident.reference} has no notification recorded for {rule_id!r}; record it first "
                       "(incidentdesk notify … --obligation RULE-ID)")
    return row


def record_acknowledgement(*, notification: Notification, at: datetime, how: str, by: Any,
                           now: datetime | None = None) -> Notification:
    """Record that the recipient confirmed receipt (AI Act Art 26(5): the provider of the AI system).

    The acknowledgement of the notice to the provider decides whether the deployer's own Art 73 report is
    raised (``ai_act.provider_unreachable``), so the incident is reassessed in the same transaction as the
    record and its audit event. Refused, with nothing stored: no "how", a time in the future or before the
    notification was sent, an acknowledgement already on record, a closed incident.
    """
    incident = notification.incident
    ensure_open(incident)
    now = now or timezone.now()
    how = (how or "").strip()
    if not how:
        raise AcknowledgementRefused("how: say who confirmed and how, e.g. \"email from the provider's incident "
                                     "desk, ticket 4411\"")
    try:  # year 1 with an offset east of UTC has no UTC time: a typing error, refused rather than a crash
        at = at.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise AcknowledgementRefused("acknowledged at: out of range, check the year") from exc
    with transaction.atomic():
        # Locked, so two people recording it at once cannot both pass the check and overwrite each other.
        row = Notification.objects.select_for_update().select_related("incident").get(pk=notification.pk)
        if row.acknowledged_at is not None:
            raise AlreadyAcknowledged(f"the acknowledgement of this notification is already on record "
                                      f"({row.acknowledged_at:%Y-%m-%d %H:%M} UTC)")
        if at > now + FUTURE_SKEW:
            raise AcknowledgementRefused("acknowledged at: lies in the future")
        if at < row.sent_at:
            raise AcknowledgementRefused("acknowledged at: is before the notification was sent")
        row.acknowledged_at, row.acknowledged_how = at, how
        row.acknowledgement_recorded_by = by if getattr(by, "pk", None) else None
        row.save(update_fields=["acknowledged_at", "acknowledged_how", "acknowledgement_recorded_by"])
        audit.record(action="notification.acknowledged", object_type="notification", object_id=row.pk, by=by,
                     incident_ref=incident.reference, before={"acknowledged_at": None},
                     after={"acknowledged_at": at, "how": how, "recipient": row.recipient,
                            "rule_id": row.obligation.rule_id if row.obligation_id else None})
        incidents.reassess(incident=incident, by=by, now=now)
    notification.refresh_from_db()
    return notification


class DraftRefused(Refused):
    """The draft cannot be written, changed or sent as asked; nothing was stored."""


def _next_version(incident: Incident, kind: str, rule_id: str) -> int:
    last = NotificationDraft.objects.filter(incident=incident, kind=kind, rule_id=rule_id).order_by("-version").first()
    return last.version + 1 if last else 1


def _last_sent(incident: Incident, kind: str, rule_id: str) -> drafts.Sent | None:
    """The latest version of this draft recorded as sent: a new version is then a follow-up to it."""
    row = (NotificationDraft.objects.filter(incident=incident, kind=kind, rule_id=rule_id, notification__isnull=False)
           .select_related("notification").order_by("-version").first())
    return drafts.Sent(sent_at=row.notification.sent_at, reference=row.notification.reference) if row else None


def _check_draft_request(*, incident: Incident, kind: str, rule_id: str, language: str) -> None:
    """What was asked for a new draft, checked before anything is written: a language we have words for, and an
    obligation the incident really has (a draft tied to no obligation could never complete one when sent)."""
    if kind not in drafts.KINDS:
        raise DraftRefused(f"unknown kind of draft: choose one of {', '.join(drafts.KINDS)}")
    if language and language not in drafts.LANGUAGES:
        raise DraftRefused(f"unknown language: choose one of {', '.join(drafts.LANGUAGES)}")
    if rule_id and not incident.obligations.filter(rule_id=rule_id).exists():
        raise DraftRefused(f"{incident.reference} has no obligation {rule_id!r}: write the draft from the "
                           "obligation on the incident's page, or without one")


def create_draft(*, incident: Incident, kind: str, by: Any, rule_id: str = "", language: str = "") -> NotificationDraft:
    """Write a new version from the incident's facts as they are now, in ``language`` (default: the
    organisation's). After a version was sent, the new one is a follow-up to it (GDPR Art 33(4))."""
    ensure_open(incident)
    _check_draft_request(incident=incident, kind=kind, rule_id=rule_id, language=language)
    try:
        written = drafts.draft(incident, kind, rule_id, language=language,
                               sent=_last_sent(incident, kind, rule_id))
    except ValueError as exc:
        raise DraftRefused(str(exc)) from exc
    return _store(incident=incident, kind=kind, rule_id=rule_id, subject=written.subject, body=written.body,
                  unknown=written.unknown, language=written.language, by=by)


def edit_draft(*, draft: NotificationDraft, subject: str, body: str, by: Any) -> NotificationDraft:
    """A person's edit becomes a new version in the same language; the old one stays as it was."""
    ensure_open(draft.incident)
    if draft.notification_id:
        raise DraftRefused("this draft was sent; write a new one (a follow-up) instead of changing it")
    if not subject.strip() or not body.strip():
        raise DraftRefused("subject and body: a draft needs both")
    unknown = drafts.still_unknown(draft.unknown, body)
    return _store(incident=draft.incident, kind=draft.kind, rule_id=draft.rule_id, subject=subject, body=body,
                  unknown=unknown, language=draft.language, by=by)


EXERCISE_SUBJECT = "EXERCISE — "
EXERCISE_BANNER = ("> **EXERCISE — not a real incident. Do not send this to anyone outside the exercise.**\n\n")


def _exercise_marked(incident: Incident, subject: str, body: str) -> tuple[str, str]:
    """Every version of an exercise's draft says EXERCISE, in its subject and at its top, even after an edit
    that took the words out: a rehearsal's letter must never pass for a real one."""
    if not incident.is_exercise:
        return subject, body
    subject = subject.strip()
    return (subject if subject.startswith(EXERCISE_SUBJECT) else EXERCISE_SUBJECT + subject,
            body if body.startswith(EXERCISE_BANNER) else EXERCISE_BANNER + body)


def _store(*, incident, kind, rule_id, subject, body, unknown, language, by) -> NotificationDraft:
    subject, body = _exercise_marked(incident, subject, body)
    with transaction.atomic():
        # Who reviews it, and by when, carries over to the new version: the task is the draft, not one version.
        previous = (NotificationDraft.objects.filter(incident=incident, kind=kind, rule_id=rule_id)
                    .order_by("-version").first())
        row = NotificationDraft.objects.create(
            incident=incident, kind=kind, rule_id=rule_id, version=_next_version(incident, kind, rule_id),
            subject=subject.strip(), body=body, unknown=unknown, language=language,
            created_by_name=audit.actor_name(by), assignee=previous.assignee if previous else None,
            due_at=previous.due_at if previous else None)
        audit.record(action="draft.written", object_type="notificationdraft", object_id=row.pk, by=by,
                     incident_ref=incident.reference,
                     after={"kind": kind, "rule_id": rule_id, "version": row.version, "subject": row.subject,
                            "language": language, "unknown": unknown})
    return row


def _check_delay_explained(draft: NotificationDraft, sent_at: datetime) -> None:
    """GDPR Art 33(1): a notification made after 72 hours carries the reasons for the delay.

    Whether a draft is late is decided when it is written; one written in time but sent late lacks the section,
    so sending it is refused until it is written again (which adds the section to fill in).
    """
    if draft.kind != "gdpr_33" or draft.rule_id != "GDPR-33-1-SA":
        return
    clock = Obligation.objects.filter(incident=draft.incident, rule_id="GDPR-33-1-SA").first()
    if clock is None or clock.due_at is None or sent_at <= clock.due_at:
        return
    if Notification.objects.filter(incident=draft.incident, obligation=clock).exists():
        return  # a follow-up (Art 33(4)): the first notification carried the reasons
    heading = drafts.words(draft.language)["gdpr_33"]["delay"]
    if heading not in draft.body:
        raise DraftRefused("This notification is sent after the 72 hours, so it must give the reasons for the delay "
                           "(GDPR Art 33(1)): write the draft again, fill in the reasons, then record it as sent")


def send_draft(*, draft: NotificationDraft, recipient: str, channel: str, sent_at: datetime, by: Any,
               reference: str = "", now: datetime | None = None) -> Notification:
    """Mark a draft as sent: records the notification (completing its obligation) and links the two."""
    ensure_open(draft.incident)
    latest = NotificationDraft.objects.filter(incident=draft.incident, kind=draft.kind,
                                              rule_id=draft.rule_id).order_by("-version").first()
    if latest.pk != draft.pk:
        raise DraftRefused(f"version {draft.version} is not the latest (v{latest.version}); send the latest")
    if draft.notification_id:
        raise DraftRefused("this draft was already sent")
    _check_sending(recipient=recipient, channel=channel, sent_at=sent_at, now=now or timezone.now())
    markers = drafts.fill_markers(draft.body)
    if markers:
        raise DraftRefused("This draft still has parts only you can write: replace "
                           + " and ".join(f"“{m}”" for m in markers) + ", save, then record it as sent")
    _check_delay_explained(draft, sent_at)
    with transaction.atomic():
        notification = record_notification(incident=draft.incident, recipient=recipient, sent_at=sent_at, by=by,
                                           channel=channel, rule_id=draft.rule_id or None, reference=reference,
                                           summary=f"{draft.subject} (draft v{draft.version})", now=now)
        draft.notification = notification
        draft.save(update_fields=["notification"])
    return notification


def latest_draft(draft: NotificationDraft) -> bool:
    """True when no later version of this draft exists (only the latest is reviewed, edited or sent)."""
    return not NotificationDraft.objects.filter(incident_id=draft.incident_id, kind=draft.kind, rule_id=draft.rule_id,
                                                version__gt=draft.version).exists()


def assign_review(*, draft: NotificationDraft, assignee: Any, by: Any,
                  due_at: datetime | None = assignment.UNCHANGED) -> NotificationDraft:
    """Give the review of a draft (its latest version, not yet sent) to a person, by a time."""
    ensure_open(draft.incident)
    if draft.notification_id:
        raise DraftRefused("this draft was sent; there is nothing left to review")
    if not latest_draft(draft):
        raise DraftRefused("a later version of this draft exists; assign the review of the latest one")
    return assignment.assign(row=draft, incident=draft.incident, assignee=assignee, due_at=due_at, by=by,
                             object_type="notificationdraft", what=f"Review of the draft '{draft.subject[:60]}'")
