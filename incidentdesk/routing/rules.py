"""The routing rules (rules.toml) and their evaluation: which internal team is told, and why.

The rules live beside the app, not in ``assessment/rules/``: they are not legal obligations with clocks the
rulebook, the law-change preview and docs/rules.md treat as law, but the organisation's own routing, read with
the same condition language (``assessment.conditions``) so a reviewer reads one notation.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from incidentdesk.assessment.conditions import evaluate, validate
from incidentdesk.assessment.facts import IncidentFacts
from incidentdesk.contacts.models import ContactKind

RULES_FILE = Path(__file__).parent / "rules.toml"


class RoutingRuleError(ValueError):
    """The routing rules file cannot be read; raised when it loads, so a typo fails at start-up and in tests."""


@dataclass(frozen=True)
class Route:
    """One rule: tell ``team`` when ``when`` holds, and expect an acknowledgement within ``ack_hours``."""

    id: str
    team: str
    when: dict[str, Any]
    ack_hours: int
    reason: str
    citation: str

    @property
    def team_label(self) -> str:
        return str(ContactKind(self.team).label)


@dataclass
class Decision:
    """A rule's outcome for one incident: told (True), not told (False) or not yet known (None), with the facts."""

    route: Route
    applies: bool | None
    because: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _route(table: dict[str, Any], where: str) -> Route:
    missing = [k for k in ("id", "team", "when", "ack_hours", "reason", "citation") if k not in table]
    if missing:
        raise RoutingRuleError(f"{where}: missing {', '.join(missing)}")
    if table["team"] not in ContactKind.values:
        kinds = ", ".join(ContactKind.values)
        raise RoutingRuleError(f"{where}: team {table['team']!r} is not a kind of contact ({kinds})")
    hours = table["ack_hours"]
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 24 * 14:
        raise RoutingRuleError(f"{where}: ack_hours must be a whole number of hours between 1 and 336")
    if not str(table["reason"]).strip() or not str(table["citation"]).strip():
        raise RoutingRuleError(f"{where}: reason and citation must say something")
    try:
        validate(table["when"], where)
    except ValueError as exc:
        raise RoutingRuleError(str(exc)) from exc
    return Route(id=table["id"], team=table["team"], when=table["when"], ack_hours=hours,
                 reason=str(table["reason"]).strip(), citation=str(table["citation"]).strip())


def parse(text: str, where: str = "rules.toml") -> tuple[dict[str, Any], list[Route]]:
    """The file's meta table and its routes; one route per team (a team has one clock per incident)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoutingRuleError(f"{where}: {exc}") from exc
    routes = [_route(t, f"{where} route {i + 1}") for i, t in enumerate(data.get("route") or [])]
    teams = [r.team for r in routes]
    twice = sorted({t for t in teams if teams.count(t) > 1})
    if twice:
        raise RoutingRuleError(f"{where}: more than one route for {', '.join(twice)}; combine them with any = [...]")
    if len({r.id for r in routes}) != len(routes):
        raise RoutingRuleError(f"{where}: two routes share an id")
    return data.get("meta") or {}, routes


@lru_cache(maxsize=1)
def routes() -> list[Route]:
    return parse(RULES_FILE.read_text(encoding="utf-8"), str(RULES_FILE.name))[1]


def route_for(team: str) -> Route | None:
    return next((r for r in routes() if r.team == team), None)


def decide(facts: IncidentFacts, level: int, rules: list[Route] | None = None) -> list[Decision]:
    """Every rule's outcome for these facts and this severity level, in the file's order."""
    decisions = []
    for route in rules if rules is not None else routes():
        outcome = evaluate(route.when, facts, {"severity.level": level})
        decisions.append(Decision(route, outcome.value, outcome.because, outcome.unknown))
    return decisions
