"""Exercises held: the one place the management review pack reads them from.

Today the organisation profile records only the date of the last tabletop exercise (seed §9: "simulates a
Level 2 response once a year as a tabletop exercise"). When exercises become records of their own, this
function reads them instead, and the pack, its decisions and the readiness check follow without a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from incidentdesk.organisation.models import Organisation


@dataclass(frozen=True)
class ExerciseHeld:
    """One exercise, in words: when, and what it was."""

    held_on: date
    title: str


def held(first: date, last: date) -> list[ExerciseHeld]:
    """Exercises held between ``first`` and ``last`` (both included), oldest first."""
    done = Organisation.current().tabletop_done_on
    if done is None or not first <= done <= last:
        return []
    return [ExerciseHeld(done, "Tabletop exercise of a level 2 response (incident procedure, section 9)")]


def last_held(on_or_before: date) -> date | None:
    """The date of the latest exercise on or before a day, if any (for "no exercise in twelve months")."""
    done = Organisation.current().tabletop_done_on
    return done if done is not None and done <= on_or_before else None
