"""Run an exercise: start it from a scenario, reveal its injects, end it. No HTTP here.

Everything goes through the normal incident services, so an exercise's severity, clocks and GDPR
assessment react to each inject exactly as they would for a real incident. The exercise's timeline is its
own recorded times: the incident is detected when the exercise starts, each inject's facts become known
when the facilitator reveals it, and the deadlines that follow are real times counted from those moments,
shown as EXERCISE everywhere (decision 161).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Conflict, NotFound, Refused

from . import scenarios
from .models import BackupRecord, Exercise, RevealedInject
from .scenarios import REVEALED, Inject, Scenario


class ExerciseRefused(Refused):
    """The exercise cannot do this now; nothing was stored."""


def exercise_of(incident: Incident) -> Exercise:
    """The exercise an incident belongs to; a real incident has none."""
    exercise = Exercise.objects.filter(incident=incident).first()
    if exercise is None:
        raise NotFound(f"{incident.reference} is a real incident, not an exercise")
    return exercise


def start(*, scenario: str, by: Any, now: datetime | None = None) -> Exercise:
    """Record the scenario's incident as an exercise (flagged from birth) and start the exercise's clock."""
    now = now or timezone.now()
    chosen = scenarios.get(scenario)
    reported = dict(chosen.incident)
    with transaction.atomic():
        incident = incidents.record_incident(
            title=reported["title"], description=" ".join(reported["description"].split()), detected_at=now,
            detection_source=reported.get("detection_source", "own_observation"), tools=reported.get("tools", []),
            categories=reported.get("categories", []), affected_parties=reported.get("affected_parties", ""),
            facts=reported.get("facts", {}), by=by, now=now, exercise=True)
        exercise = Exercise.objects.create(incident=incident, scenario=chosen.key, title=chosen.title,
                                           facilitator=by if getattr(by, "pk", None) else None,
                                           facilitator_name=audit.actor_name(by), started_at=now)
        audit.record(action="exercise.started", object_type="exercise", object_id=exercise.pk, by=by,
                     incident_ref=incident.reference, after={"scenario": chosen.key, "started_at": now},
                     summary=f"Exercise started: {chosen.title} ({incident.reference}), facilitated by "
                             f"{exercise.facilitator_name}")
    return exercise


def _changes(inject: Inject, now: datetime) -> dict[str, Any]:
    return {key: (now if value == REVEALED else value) for key, value in inject.changes.items()}


def _locked(exercise: Exercise) -> Exercise:
    """The exercise's row, locked for this transaction: two facilitators (or a double click) revealing the same
    inject, or ending it, at the same moment are served one after the other, and the second is refused."""
    return Exercise.objects.select_for_update().get(pk=exercise.pk)


def reveal(*, exercise: Exercise, inject: str, by: Any, now: datetime | None = None) -> RevealedInject:
    """The facilitator reveals an inject: its facts change through ``update_incident`` (clocks and severity
    react), and the moment is kept on the exercise's timeline. Each inject is revealed once."""
    now = now or timezone.now()
    chosen = scenario_of(exercise).inject(inject)
    with transaction.atomic():
        exercise = _locked(exercise)
        if exercise.completed:
            raise Conflict("this exercise has ended; its injects can no longer be revealed")
        ensure_open(exercise.incident)
        if exercise.revealed.filter(inject=chosen.key).exists():
            raise ExerciseRefused(f"inject: “{chosen.title}” was already revealed")
        if chosen.changes:
            incidents.update_incident(incident=exercise.incident, by=by, changes=_changes(chosen, now), now=now)
        row = RevealedInject.objects.create(exercise=exercise, inject=chosen.key, revealed_at=now,
                                            revealed_by=audit.actor_name(by))
        audit.record(action="exercise.inject_revealed", object_type="exercise", object_id=exercise.pk, by=by,
                     incident_ref=exercise.incident.reference, after={"inject": chosen.key, "revealed_at": now},
                     summary=f"Exercise inject revealed: {chosen.title}")
    return row


def end(*, exercise: Exercise, by: Any, now: datetime | None = None) -> Exercise:
    """End the exercise. A completed exercise is the organisation's yearly tabletop (seed §9)."""
    now = now or timezone.now()
    with transaction.atomic():
        exercise = _locked(exercise)
        if exercise.completed:
            raise Conflict("this exercise has already ended")
        exercise.ended_at = now
        exercise.save(update_fields=["ended_at"])
        audit.record(action="exercise.ended", object_type="exercise", object_id=exercise.pk, by=by,
                     incident_ref=exercise.incident.reference if exercise.incident_id else "",
                     after={"ended_at": now},
                     summary=f"Exercise ended: {exercise.title}; the yearly tabletop exercise is done")
    return exercise


def scenario_of(exercise: Exercise) -> Scenario:
    return scenarios.get(exercise.scenario)


def timeline(exercise: Exercise) -> list[dict[str, Any]]:
    """Each inject with when it is due on the exercise's clock and when it was revealed (or not yet)."""
    revealed = {r.inject: r for r in exercise.revealed.all()}
    return [{"inject": inject, "due_at": exercise.started_at + timedelta(minutes=inject.after_minutes),
             "revealed": revealed.get(inject.key)} for inject in scenario_of(exercise).injects]


def record_backup(*, taken_at: datetime, by: Any, note: str = "", now: datetime | None = None) -> BackupRecord:
    """The backup job says a backup of the database and evidence was made (the readiness check reads it)."""
    now = now or timezone.now()
    if taken_at > now + timedelta(minutes=5):
        raise ExerciseRefused("at: a backup cannot be taken in the future")
    if len(note) > 300:
        raise ExerciseRefused("note: at most 300 characters")
    with transaction.atomic():
        row = BackupRecord.objects.create(taken_at=taken_at, note=note.strip(), recorded_by=audit.actor_name(by))
        audit.record(action="backup.recorded", object_type="backuprecord", object_id=row.pk, by=by,
                     after={"taken_at": taken_at, "note": row.note},
                     summary=f"Backup recorded, taken {taken_at:%Y-%m-%d %H:%M} UTC" + (f" ({row.note})" if row.note
                                                                                       else ""))
    return row
