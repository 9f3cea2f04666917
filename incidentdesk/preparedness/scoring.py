"""The exercise report's score: how long the team took for each act, against the clock that applied.

The measures are data (``scoring.toml``); the acts are read from the records the normal services wrote
(containment actions, the classification, the GDPR decision, the drafts), and each deadline from the
incident's own obligations, so the report says the same as the workspace's clocks, with their citations.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from incidentdesk.breaches.models import BreachAssessment
from incidentdesk.containment.models import ContainmentAction, ContainmentResult
from incidentdesk.incidents.models import Incident
from incidentdesk.notifications.models import NotificationDraft
from incidentdesk.obligations.models import Obligation, ObligationStatus
from incidentdesk.procedure.references import readable

from .models import Exercise


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    act: str
    what: str
    deadlines: tuple[str, ...]
    source: str
    no_deadline: str


@dataclass(frozen=True)
class Score:
    """One measure's outcome, in words for the report and as values for the API."""

    measure: Measure
    done_at: datetime | None
    taken: timedelta | None
    due_at: datetime | None
    citation: str
    met: bool | None      # None: no deadline applied
    words: str


@cache
def measures() -> tuple[Measure, ...]:
    data = tomllib.loads((Path(__file__).resolve().parent / "scoring.toml").read_text())
    return tuple(Measure(key=m["key"], title=m["title"], act=m["act"], what=m["what"],
                         deadlines=tuple(m["deadlines"]), source=m["source"], no_deadline=m["no_deadline"])
                 for m in data["measure"])


def _contained(incident: Incident, rules: tuple[str, ...]) -> datetime | None:
    first = (ContainmentAction.objects.filter(incident=incident, result__in=[ContainmentResult.EFFECTIVE,
                                                                             ContainmentResult.PARTIAL])
             .order_by("taken_at").first())
    return first.taken_at if first else None


def _classified(incident: Incident, rules: tuple[str, ...]) -> datetime | None:
    return incident.classified_at


def _decided(incident: Incident, rules: tuple[str, ...]) -> datetime | None:
    return BreachAssessment.objects.filter(incident=incident).values_list("decided_at", flat=True).first()


def _drafted(incident: Incident, rules: tuple[str, ...]) -> datetime | None:
    first = NotificationDraft.objects.filter(incident=incident, rule_id__in=rules).order_by("created_at").first()
    return first.created_at if first else None


ACTS = {"containment": _contained, "classification": _classified, "gdpr_decision": _decided, "draft": _drafted}


def duration(delta: timedelta) -> str:
    """"2 days 3 h 05 min", "45 min": how long, in words a person reads at a glance."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = ([f"{days} day{'s' if days != 1 else ''}"] if days else []) + ([f"{hours} h"] if hours else [])
    return " ".join(parts + [f"{minutes:02d} min" if parts else f"{minutes} min"])


def _clock(incident: Incident, rules: tuple[str, ...]) -> Obligation | None:
    """The earliest clock among the measure's rules that applies to the incident (pending or done)."""
    applying = Obligation.objects.filter(incident=incident, rule_id__in=rules, due_at__isnull=False,
                                         status__in=[ObligationStatus.PENDING, ObligationStatus.DONE])
    return applying.order_by("due_at").first()


def _words(measure: Measure, started: datetime, done_at: datetime | None, clock: Obligation | None,
           ended: datetime | None) -> tuple[bool | None, str]:
    taken = f"{duration(done_at - started)} after the exercise began" if done_at else ""
    if clock is None:
        return None, (f"Done {taken}. {measure.no_deadline}" if done_at else measure.no_deadline)
    allowed = f"the deadline was {duration(clock.due_at - started)} after the start ({readable(clock.citation)})"
    if done_at is None:
        late = ended is not None and ended > clock.due_at
        return False, (f"Not done during the exercise; {allowed}"
                       + (", and it passed before the exercise ended." if late else "."))
    if done_at <= clock.due_at:
        return True, f"Done {taken}; {allowed}: met, with {duration(clock.due_at - done_at)} to spare."
    return False, f"Done {taken}; {allowed}: missed by {duration(done_at - clock.due_at)}."


def score(exercise: Exercise) -> list[Score]:
    """Each measure against its clock, from the exercise's start (the incident's detection)."""
    incident = exercise.incident
    rows = []
    for measure in measures():
        done_at = ACTS[measure.act](incident, measure.deadlines)
        clock = _clock(incident, measure.deadlines)
        met, words = _words(measure, exercise.started_at, done_at, clock, exercise.ended_at)
        rows.append(Score(measure=measure, done_at=done_at, taken=done_at - exercise.started_at if done_at else None,
                          due_at=clock.due_at if clock else None, citation=clock.citation if clock else "",
                          met=met, words=words))
    return rows
