"""The six steps of the seed procedure (§6) as a checklist: what is done, what comes next.

Detect and record → contain → classify → notify → investigate and document → learn and adapt.
Each step says how the software knows it is done, so the checklist is evidence, not decoration.
Whether a step is done comes from ``progress.conditions`` (one authority, shared with the lifecycle guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidentdesk.assessment.rulebook import default_rulebook

from . import progress
from .models import Incident


@dataclass
class Step:
    name: str
    done: bool
    detail: str
    needed: bool = True
    due_at: datetime | None = None
    next: bool = False
    key: str = ""


def steps(incident: Incident, now: datetime | None = None,
          computed: list[progress.Condition] | None = None) -> list[Step]:
    """The checklist, read from ``progress.conditions``: the same conditions the lifecycle guard reads."""
    by_step = {c.step: c for c in (computed if computed is not None else progress.conditions(incident, now))}
    result = [Step(name, by_step[key].met, by_step[key].message[:1].upper() + by_step[key].message[1:],
                   needed=by_step[key].needed, due_at=by_step[key].due_at, key=key)
              for key, name in progress.STEPS.items()]
    for step in result:
        if step.needed and not step.done:
            step.next = True
            break
    return result


@dataclass
class Move:
    """One status the incident could move to: possible now, or the one line that says why not yet."""

    state: str
    problems: list[str]

    @property
    def possible(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """The first thing missing, and how many more: one line, the full list stays on demand."""
        if not self.problems:
            return ""
        more = len(self.problems) - 1
        return self.problems[0] + (f" (and {more} more)" if more else "")


@dataclass
class NextAction:
    """What to do now, read from the checklist and the guard (one authority): the next step's work, and the
    furthest move the incident may make now (often both: the next step, and a status that is ready)."""

    step: Step | None
    move: Move | None


def next_action(checklist: list[Step], moves: list[Move]) -> NextAction:
    """The next step not done (the procedure's order) and the furthest possible move forward."""
    step = next((s for s in checklist if s.next), None)
    possible = [m for m in moves if m.possible]
    return NextAction(step=step, move=possible[-1] if possible else None)


def minimum_response(level: int) -> list[str]:
    """The seed's minimum response for a level (rules/severity.toml)."""
    return default_rulebook().level(level).minimum_response


def level_name(level: int) -> str:
    return default_rulebook().level(level).name
