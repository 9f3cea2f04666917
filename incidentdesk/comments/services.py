"""Write, correct and read comments; tell the people a comment mentions.

A mention (``@username``) of someone who may see the incident creates a ``Mention`` (theirs to read, in "my
work") and, when they have an e-mail address and want e-mail, one outbox row of the reminders' delivery
machinery with its task, all in the comment's transaction: the comment, its mentions and the messages land
together or not at all. Someone who may not see the incident (a restricted one they are not named on, or a
reporter) is not told, and the author is told so, so nothing about the incident reaches them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from incidentdesk import assignment
from incidentdesk.accounts.permissions import Capability
from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Forbidden, Refused
from incidentdesk.reminders.models import Channel, Delivery, Preference
from incidentdesk.reminders.services import EXERCISE, EXERCISE_NOTE
from incidentdesk.reminders.tasks import send_delivery

from .models import Comment, Mention

MAX_LENGTH = 10_000
MENTION = re.compile(r"(?<![\w@])@([\w.+-]*\w)")


class CommentRefused(Refused):
    """An empty or too long comment; nothing was stored."""


@dataclass
class Written:
    """A comment as stored, and what its mentions did: who was told, and who was not (and why)."""

    comment: Comment
    told: list[str] = field(default_factory=list)
    not_told: list[str] = field(default_factory=list)


def _check(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise CommentRefused("body: write something")
    if len(text) > MAX_LENGTH:
        raise CommentRefused(f"body: keep a comment under {MAX_LENGTH:,} characters ({len(text):,} now)")
    return text


def mentioned(body: str) -> list[str]:
    """The usernames a text mentions, once each, in order."""
    return list(dict.fromkeys(MENTION.findall(body)))


def _people(incident: Incident, names: list[str], author: Any) -> tuple[list[Any], list[str]]:
    """Who among the names may read the incident (told), and the names of those who may not (not told)."""
    users = {u.username.casefold(): u for u in get_user_model().objects.filter(is_active=True)}
    told, not_told = [], []
    for name in names:
        user = users.get(name.casefold())
        if user is None:
            not_told.append(f"@{name} (no one by that username)")
        elif not assignment.may_work_on(user, incident, Capability.VIEW_WORKSPACE):
            not_told.append(f"@{name} (cannot see this incident)")
        elif user.pk != getattr(author, "pk", None):
            told.append(user)
    return told, not_told


def add_comment(*, incident: Incident, body: str, by: Any, now: datetime | None = None) -> Written:
    """Store a comment, audited, with its mentions and their e-mails (same transaction)."""
    ensure_open(incident)
    text = _check(body)
    told, not_told = _people(incident, mentioned(text), by)
    with transaction.atomic():
        comment = Comment.objects.create(incident=incident, author=by if getattr(by, "pk", None) else None,
                                         author_name=assignment.name_of(by) or audit.actor_name(by), body=text,
                                         created_at=now or timezone.now())
        for user in told:
            Mention.objects.create(comment=comment, user=user)
            _tell(comment, user)
        audit.record(action="comment.added", object_type="comment", object_id=comment.pk, by=by,
                     incident_ref=incident.reference,
                     after={**_fingerprint(text), "mentioned": [u.username for u in told], "not_told": not_told},
                     summary=f"Comment by {comment.author_name}" + (
                         f", mentioning {', '.join(assignment.name_of(u) for u in told)}" if told else ""))
    return Written(comment, [assignment.name_of(u) for u in told], not_told)


def _fingerprint(text: str) -> dict[str, Any]:
    """What the sealed audit log keeps of a comment: its SHA-256 and length, never the text. The comment itself can
    be redacted later (a name not necessary for the record); a copy in the append-only log could not be."""
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}


#: The mention e-mail quotes the start of the comment only; the whole text is read in the workspace.
EXCERPT = 200


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + " …"


def _tell(comment: Comment, user: Any) -> None:
    """One outbox row and its task, in the caller's transaction (as a claimed reminder's are)."""
    pref = Preference.objects.filter(user=user).first() or Preference(user=user)
    if not (pref.email and user.email):
        return  # "my work" still lists the mention
    incident = comment.incident
    link = settings.BASE_URL + reverse("incident-workspace", args=[incident.reference]) + f"#comment-{comment.pk}"
    mark, note = (EXERCISE, EXERCISE_NOTE) if incident.is_exercise else ("", "")  # a rehearsal says so
    body = note + (f"{comment.author_name} mentioned you in a comment on {incident.reference} · {incident.title}:"
                   f"\n\n{_excerpt(comment.body)}\n\nRead it and mark it read: {link}")
    delivery = Delivery.objects.create(incident=incident, user=user, channel=Channel.EMAIL, target=user.email,
                                       subject=f"{mark}[IncidentDesk] {incident.reference}: {comment.author_name} "
                                               "mentioned you", body=body)
    send_delivery.enqueue(delivery.pk)


def edit_comment(*, comment: Comment, body: str, by: Any, now: datetime | None = None) -> Written:
    """Its author corrects a comment; the audit log keeps the hash and length of the text before and after. New
    mentions are told; people mentioned before are not told again."""
    ensure_open(comment.incident)
    if comment.author_id is None or comment.author_id != getattr(by, "pk", None):
        raise Forbidden("only its author can correct a comment; write a new one instead")
    text = _check(body)
    if text == comment.body:
        return Written(comment)
    already = set(comment.mentions.values_list("user_id", flat=True))
    told, not_told = _people(comment.incident, mentioned(text), by)
    told = [u for u in told if u.pk not in already]
    before = comment.body
    with transaction.atomic():
        comment.body, comment.edited_at = text, now or timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        for user in told:
            Mention.objects.create(comment=comment, user=user)
            _tell(comment, user)
        audit.record(action="comment.edited", object_type="comment", object_id=comment.pk, by=by,
                     incident_ref=comment.incident.reference, before=_fingerprint(before),
                     after={**_fingerprint(text), "mentioned": [u.username for u in told], "not_told": not_told},
                     summary=f"Comment by {comment.author_name} corrected")
    return Written(comment, [assignment.name_of(u) for u in told], not_told)


def mark_read(*, comment: Comment, by: Any, now: datetime | None = None) -> int:
    """The reader marks a comment that mentions them as read: it leaves their "my work". Returns how many
    mentions were marked (0 when the comment does not mention them, or they marked it before)."""
    mention = Mention.objects.filter(comment=comment, user_id=getattr(by, "pk", None), read_at__isnull=True).first()
    if mention is None:
        return 0
    with transaction.atomic():
        mention.read_at = now or timezone.now()
        mention.save(update_fields=["read_at"])
        audit.record(action="mention.read", object_type="mention", object_id=mention.pk, by=by,
                     incident_ref=comment.incident.reference, after={"comment": comment.pk},
                     summary=f"{assignment.name_of(by)} read the comment that mentions them")
    return 1


def unread_mentions(user: Any, incident: Incident) -> set[int]:
    """The comments of ``incident`` that mention ``user`` and that they have not marked read."""
    return set(Mention.objects.filter(comment__incident=incident, user_id=getattr(user, "pk", None),
                                      read_at__isnull=True).values_list("comment_id", flat=True))
