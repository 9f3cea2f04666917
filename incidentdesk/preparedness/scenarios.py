"""The scenario library: one TOML file per scenario in ``scenarios/`` (data, not code).

A scenario gives the incident as it is first reported (the same columns and facts a person would record)
and its *injects*: what the facilitator reveals later, each after a number of minutes of the exercise's own
timeline, as a change of facts or columns applied through the normal incident services (so the severity and
the clocks react as they would) or, with no change, as a piece of information the team must act on.
An inject's time value ``"revealed"`` means the moment the facilitator reveals it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from incidentdesk.refusals import NotFound

LIBRARY = Path(__file__).resolve().parent / "scenarios"
REVEALED = "revealed"  # an inject's time value: the moment the facilitator reveals it


@dataclass(frozen=True)
class Inject:
    key: str
    after_minutes: int
    title: str
    text: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    level: int
    summary: str
    source: str
    incident: dict[str, Any]
    injects: tuple[Inject, ...]

    def inject(self, key: str) -> Inject:
        for inject in self.injects:
            if inject.key == key:
                return inject
        raise NotFound(f"the scenario “{self.title}” has no inject {key!r}")


def _flatten(changes: dict[str, Any]) -> dict[str, Any]:
    """``personal_data = {involved = true}`` becomes ``personal_data.involved``: the form ``update_incident``
    takes, one fact at a time."""
    flat: dict[str, Any] = {}
    for key, value in changes.items():
        if isinstance(value, dict):
            flat |= {f"{key}.{name}": inner for name, inner in value.items()}
        else:
            flat[key] = value
    return flat


def _read(path: Path) -> Scenario:
    data = tomllib.loads(path.read_text())
    injects = tuple(Inject(key=i["key"], after_minutes=int(i["after_minutes"]), title=i["title"],
                           text=" ".join(i["text"].split()), changes=_flatten(i.get("changes", {})))
                    for i in data.get("injects", []))
    return Scenario(key=data["key"], title=data["title"], level=int(data["level"]),
                    summary=" ".join(data["summary"].split()), source=data["source"],
                    incident=data["incident"], injects=tuple(sorted(injects, key=lambda i: i.after_minutes)))


@cache
def library() -> dict[str, Scenario]:
    """Every scenario, by key, in the order of their level."""
    scenarios = [_read(path) for path in sorted(LIBRARY.glob("*.toml"))]
    return {s.key: s for s in sorted(scenarios, key=lambda s: (s.level, s.key))}


def get(key: str) -> Scenario:
    try:
        return library()[key]
    except KeyError:
        raise NotFound(f"no scenario {key!r}; choose one of {', '.join(library())}") from None
