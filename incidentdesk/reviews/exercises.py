"""Exercises held: the one place the management review pack reads them from.

They are the completed exercises of the preparedness app (seed §9: "simulates a Level 2 response once a year
as a tabletop exercise"), dated by the day they ended in the organisation's time zone; a tabletop recorded
before exercises were run here is one too (an exercise with no incident).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from incidentdesk.preparedness.models import Exercise
from incidentdesk.preparedness.tabletop import last_tabletop_on


@dataclass(frozen=True)
class ExerciseHeld:
    """One exercise, in words: when, and what it was."""

    held_on: date
    title: str


def held(first: date, last: date) -> list[ExerciseHeld]:
    """Exercises completed between ``first`` and ``last`` (both included), oldest first."""
    rows = [ExerciseHeld(timezone.localdate(e.ended_at), e.title)
            for e in Exercise.objects.filter(ended_at__isnull=False).order_by("ended_at")]
    return [row for row in rows if first <= row.held_on <= last]


def last_held(on_or_before: date) -> date | None:
    """The date of the latest exercise on or before a day, if any (for "no exercise in twelve months")."""
    done = last_tabletop_on()
    if done is not None and done <= on_or_before:
        return done
    earlier = [row.held_on for row in held(date.min, on_or_before)]
    return max(earlier) if earlier else None
