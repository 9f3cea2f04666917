"""Propose lessons and decide them; an accepted lesson is a dated change in its document's log, tracked in the
next draft of that document (``governance.tracked``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk import assignment
from incidentdesk.accounts.permissions import Capability
from incidentdesk.audit import services as audit
from incidentdesk.governance.tracked import draft_for_lesson
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Refused

from .models import DocumentChange, Lesson, LessonStatus, Target


class LessonRefused(Refused):
    """Bad input or a lesson already decided; nothing was stored."""


def propose(*, incident: Incident, target: str, text: str, by: Any) -> Lesson:
    ensure_open(incident)
    if target not in Target.values:
        raise LessonRefused(f"target: choose one of {', '.join(Target.values)}")
    if not text.strip():
        raise LessonRefused("text: say what was learned and what should change")
    with transaction.atomic():
        lesson = Lesson.objects.create(incident=incident, target=target, text=text.strip(),
                                       proposed_by=by if getattr(by, "pk", None) else None)
        audit.record(action="lesson.proposed", object_type="lesson", object_id=lesson.pk, by=by,
                     incident_ref=incident.reference, after=audit.snapshot(lesson))
    return lesson


def decide(*, lesson: Lesson, accept: bool, by: Any, reason: str = "", summary: str = "") -> Lesson:
    """Accept (with the change-log line to write) or reject (with a reason)."""
    ensure_open(lesson.incident)
    if lesson.status != LessonStatus.PROPOSED:
        raise LessonRefused(f"this lesson was already {lesson.status}")
    if not accept and not reason.strip():
        raise LessonRefused("reason: say why the lesson is rejected")
    before = audit.snapshot(lesson)
    with transaction.atomic():
        lesson.status = LessonStatus.ACCEPTED if accept else LessonStatus.REJECTED
        lesson.decision_reason, lesson.decided_at = reason.strip(), timezone.now()
        lesson.save()
        audit.record(action="lesson.decided", object_type="lesson", object_id=lesson.pk, by=by,
                     incident_ref=lesson.incident.reference, before=before, after=audit.snapshot(lesson))
        if accept:
            # The tracked change: the line names the draft of the document it changes (issue 14, item 3).
            change = DocumentChange.objects.create(
                document=lesson.target, changed_on=timezone.localdate(), lesson=lesson,
                version=draft_for_lesson(lesson.target, by=by),
                summary=(summary or lesson.text).strip() + f" (lesson from {lesson.incident.reference})",
                recorded_by=audit.actor_name(by))
            audit.record(action="document.changed", object_type="documentchange", object_id=change.pk, by=by,
                         incident_ref=lesson.incident.reference, after=audit.snapshot(change))
    return lesson


def assign(*, lesson: Lesson, assignee: Any, by: Any, due_at: Any = assignment.UNCHANGED) -> Lesson:
    """Give a proposed lesson to the person who decides it (a role that may accept lessons), by a time."""
    ensure_open(lesson.incident)
    if lesson.status != LessonStatus.PROPOSED:
        raise LessonRefused(f"this lesson was already {lesson.status}; there is nothing left to decide")
    return assignment.assign(row=lesson, incident=lesson.incident, assignee=assignee, due_at=due_at, by=by,
                             object_type="lesson", what=f"Lesson '{lesson.text[:60]}'", capability=Capability.CLASSIFY)
