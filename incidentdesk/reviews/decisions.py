"""Decisions asked of management, from what is open: the rules are data (decisions.toml), each with its source."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DECISIONS_FILE = Path(__file__).with_name("decisions.toml")


@dataclass(frozen=True)
class Decision:
    """One decision asked of management: what to decide, why, and the clause or section that asks it."""

    id: str
    ask: str
    why: str
    source: str
    figure: int


@cache
def rules() -> tuple[dict, ...]:
    """The decision rules, in the file's order (which is the order management reads them)."""
    table = tomllib.loads(DECISIONS_FILE.read_text(encoding="utf-8"))
    return tuple(table["decision"])


def asked(figures: dict[str, int]) -> list[Decision]:
    """Every decision whose figure is above zero, with the figure written into its words.

    A rule naming a figure the pack does not compute is an error in the data file, not a silent omission.
    """
    result = []
    for rule in rules():
        if rule["figure"] not in figures:
            raise KeyError(f"{DECISIONS_FILE.name}: decision {rule['id']} names an unknown figure {rule['figure']}")
        n = figures[rule["figure"]]
        if n > 0:
            words = rule["one"] if n == 1 else rule["many"]
            result.append(Decision(rule["id"], words.format(n=n), rule["why"], rule["source"], n))
    return result
