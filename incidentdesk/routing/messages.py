"""What an internal notice e-mail says: only what the team needs to act, and for a restricted incident only
that one exists, why the team is involved and whom to ask (no reference, title or facts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from incidentdesk.procedure.references import readable
from incidentdesk.times import with_utc

from .models import NoticeStep


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def ack_url(token: str) -> str:
    return settings.BASE_URL + reverse("routing-ack-link", args=[token])


def _who_to_ask(step: NoticeStep) -> str:
    owner = step.notice.incident.owner
    if owner is None:
        return "the incident manager"
    name = owner.get_full_name() or owner.get_username()
    return f"{name} ({owner.email})" if owner.email else name


def for_contact(step: NoticeStep, token: str) -> Text:
    """The e-mail to a contact from the directory, who may not sign in: it carries the acknowledgement link."""
    notice, incident = step.notice, step.notice.incident
    team = notice.get_team_display()
    due = with_utc(step.ack_due_at)
    escalated = ("You are told because the contact before you did not acknowledge in time.\n\n"
                 if step.number else "")
    if incident.restricted:
        subject = f"[IncidentDesk] Please acknowledge: a restricted incident concerns {team}"
        what = ("A restricted incident (only the people named on it can see it) concerns your team.\n\n"
                f"Why your team is told: {notice.reason}\n")
    else:
        subject = f"[IncidentDesk] Please acknowledge: {incident.reference} concerns {team}"
        facts = "".join(f"  - {line}\n" for line in notice.because)
        what = (f"{incident.reference} · {incident.title}\n\n"
                f"Why your team is told: {notice.reason}\nBecause:\n{facts}"
                f"({readable(notice.citation)})\n\n"
                f"The incident: {settings.BASE_URL}/incidents/{incident.reference}/ (sign in to read it)\n")
    body = (f"Hello {step.recipient_name},\n\n{escalated}You are told on behalf of {team}.\n\n{what}\n"
            f"Please acknowledge by {due} with this link (no sign-in needed; it works once):\n{ack_url(token)}\n\n"
            f"If nobody acknowledges by then, the next contact for {team} is told.\n"
            f"Who to ask: {_who_to_ask(step)}.\n")
    return Text(subject, body)


def for_owner(step: NoticeStep) -> Text:
    """The e-mail to the incident owner when nobody in the directory acknowledged: they may see the incident."""
    notice, incident = step.notice, step.notice.incident
    team = notice.get_team_display()
    told = ", ".join(s.recipient_name for s in notice.steps.all() if not s.is_owner) or "nobody"
    subject = f"[IncidentDesk] {incident.reference}: {team} has not acknowledged"
    body = (f"Hello {step.recipient_name},\n\n{team} was told of {incident.reference} · {incident.title}, and "
            f"nobody acknowledged in time (told: {told}).\n\nWhy the team is told: {notice.reason}\n\n"
            f"Please reach the team another way, and record the acknowledgement in the workspace:\n"
            f"{settings.BASE_URL}/incidents/{incident.reference}/#routing\n")
    return Text(subject, body)


def for_exercise(step: NoticeStep) -> Text:
    """The e-mail of an exercise's notice: to the participant who owns the exercise, never to the directory, so
    the team can rehearse the acknowledgement without anyone outside the exercise hearing of it."""
    notice, incident = step.notice, step.notice.incident
    team = notice.get_team_display()
    subject = f"[EXERCISE] [IncidentDesk] {incident.reference}: {team} is to be told"
    body = (f"EXERCISE — a rehearsal, not a real incident. Nobody in the contacts directory was told.\n\n"
            f"Hello {step.recipient_name},\n\nIn a real incident, {team} would now be told of "
            f"{incident.reference} · {incident.title}.\n\nWhy the team is told: {notice.reason}\n\n"
            f"Rehearse it: reach the team as the procedure says, and record the acknowledgement in the workspace:\n"
            f"{settings.BASE_URL}/incidents/{incident.reference}/#routing\n")
    return Text(subject, body)
