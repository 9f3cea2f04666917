"""Three-valued (Kleene) evaluation of the conditions written in the rule files.

A condition is a small TOML table, so lawyers can review it without reading Python:

    { fact = "harm.death" }                          the fact is true
    { fact = "published_externally", is = false }
    { fact = "organisation.ai_act_role", in = ["provider", "both"] }
    { fact = "severity.level", gte = 3 }
    { fact = "personal_data.lost", nonempty = true }
    { fact = "personal_data.involved", unless = false }   true unless known to be false
    { all = [ ... ] }   { any = [ ... ] }   { not = { ... } }   { always = true }

``tools[].x`` reads every linked tool: true if any tool's value is true, false if all are
false, unknown otherwise (and unknown when no tool is linked). Evaluation yields True, False or
None (unknown) plus the facts that decided it, which become the outcome's reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import vocabulary
from .facts import IncidentFacts, fact_value

OPERATORS = {"is", "in", "gte", "nonempty", "contains", "unless"}


class ConditionError(ValueError):
    """A rule file holds a condition this evaluator cannot read."""


@dataclass
class Outcome:
    value: bool | None
    because: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _show(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _test(node: dict[str, Any], value: Any) -> bool | None:
    if "unless" in node:
        # "Unless known to be X": unknown counts as true, so an unknown fact keeps the duty to find out.
        return value != node["unless"]
    if value is None:
        return None
    if "in" in node:
        return _show(value) in {str(v) for v in node["in"]}
    if "gte" in node:
        return value >= node["gte"]
    if "nonempty" in node:
        return bool(value) == bool(node["nonempty"])
    if "contains" in node:
        return node["contains"] in {_show(v) for v in value}
    expected = node.get("is", True)
    return value is expected or value == expected


def _fact(node: dict[str, Any], facts: IncidentFacts, extra: dict[str, Any]) -> Outcome:
    path = node["fact"]
    try:
        value = fact_value(facts, path, extra)
    except AttributeError as exc:
        raise ConditionError(f"unknown fact {path!r}") from exc
    if path.startswith("tools[]."):
        results = [_test(node, item) for item in value]
        if any(r is True for r in results) or (results and all(r is False for r in results)):
            because = [_because(path, vocabulary.show(path, item), tool.name)
                       for tool, item in zip(facts.tools, value, strict=True)]
            return Outcome(any(r is True for r in results), because)
        return Outcome(None, unknown=[fact_label(path)])
    result = _test(node, value)
    if result is None:
        return Outcome(None, unknown=[fact_label(path)])
    return Outcome(result, [_because(path, vocabulary.show(path, value))])


def fact_label(path: str) -> str:
    """A fact a rule reads, in the vocabulary's words (a reason shows it to people, never its field name).

    Derived facts (``tools[].high_risk_provided``, ``severity.level`` …) have their words in the vocabulary's
    derived.toml, so every fact a condition names reads as words.
    """
    return vocabulary.label(path)


def _because(path: str, shown: str, tool: str | None = None) -> str:
    """A reason line: "Was the output published outside the organisation? Yes", "Severity level: 3", and for one
    AI system "We provide this AI system as a high-risk system (TalentRank): No"."""
    name = fact_label(path)
    if tool is not None:
        return f"{name} {tool}: {shown}" if name.endswith("?") else f"{name} ({tool}): {shown}"
    return f"{name} {shown}" if name.endswith("?") else f"{name}: {shown}"


def _once(lines: Iterable[str]) -> list[str]:
    """Each reason once: a fact two branches of a condition read is not listed twice."""
    return list(dict.fromkeys(lines))


def evaluate(node: dict[str, Any], facts: IncidentFacts, extra: dict[str, Any] | None = None) -> Outcome:
    """Evaluate one condition node against the facts (and derived facts such as severity)."""
    extra = extra or {}
    if node.get("always") is True:
        return Outcome(True, ["applies to every incident"])
    if "fact" in node:
        return _fact(node, facts, extra)
    if "not" in node:
        inner = evaluate(node["not"], facts, extra)
        value = None if inner.value is None else not inner.value
        return Outcome(value, inner.because, inner.unknown)
    if "all" in node or "any" in node:
        is_all = "all" in node
        parts = [evaluate(child, facts, extra) for child in node["all" if is_all else "any"]]
        decisive = not is_all
        hits = [p for p in parts if p.value is decisive]
        if hits:
            return Outcome(decisive, _once(b for p in hits for b in p.because))
        unknown = _once(u for p in parts for u in p.unknown)
        if unknown:
            return Outcome(None, _once(b for p in parts for b in p.because), unknown)
        return Outcome(not decisive, _once(b for p in parts for b in p.because))
    raise ConditionError(f"cannot read condition {node!r}")


def validate(node: Any, where: str) -> None:
    """Check a condition's shape when a rule file loads, so a typo fails at start-up."""
    if not isinstance(node, dict):
        raise ConditionError(f"{where}: a condition must be a table, got {node!r}")
    if node == {"always": True}:
        return
    if "fact" in node:
        unknown_keys = set(node) - {"fact"} - OPERATORS
        if unknown_keys:
            raise ConditionError(f"{where}: unknown keys {sorted(unknown_keys)}")
        return
    if "not" in node:
        validate(node["not"], where)
        return
    key = "all" if "all" in node else "any" if "any" in node else None
    if key is None or not isinstance(node[key], list) or not node[key]:
        raise ConditionError(f"{where}: expected fact, not, all or any in {node!r}")
    for child in node[key]:
        validate(child, where)
