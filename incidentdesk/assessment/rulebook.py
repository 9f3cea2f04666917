"""Load and validate the rule files in ``rules/`` (one per regime, plus the severity file).

The files are the law as data: each rule carries an id, its file's version, a citation and the
date the file was last checked. Loading validates every rule (shape, condition syntax and fact
names), so a typo in a rule file fails at start-up rather than in front of a regulator.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .conditions import ConditionError, evaluate, validate
from .facts import IncidentFacts, ToolFacts
from .gdpr import EdpbTable

RULES_DIR = Path(__file__).parent / "rules"
CLOCK_EVENTS = {"detected_at", "occurred_at", "aware_at", "causal_link_suspected_at", "causal_link_established_at",
                "classified_at"}
#: CRA Art 14(2)(c): the final report runs from when a corrective or mitigating measure is available.
CLOCK_EVENTS |= {"corrective_measure_available_at"}


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- "Our reading" (issue 11, item 6) ------------------------------------------------------------------
# A rule, or one of its limits, that rests on our interpretation rather than on the text itself says so in
# plain words: ``our_reading = "…"``. The UI shows it next to every deadline computed from the rule, the API
# returns it, and the incident report lists it, so a reader can tell the law from our reading of it. A rule
# whose ``check`` is "M" (our own reading) must carry one (a test holds every rule file to it).
class OurReading(Frozen):
    our_reading: str = ""


class Meta(Frozen):
    regime: str
    title: str
    version: str
    last_checked: date
    sources: list[str]
    classify_within_hours: int | None = None


class Deadline(Frozen):
    hours: int | None = Field(None, gt=0)
    days: int | None = Field(None, gt=0)
    months: int | None = Field(None, gt=0)
    without_undue_delay: bool = False
    immediately: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Deadline:
        given = [self.hours, self.days, self.months, self.without_undue_delay or None, self.immediately or None]
        if sum(v is not None for v in given) != 1:
            raise ValueError("a deadline has exactly one of hours, days, months, without_undue_delay, immediately")
        return self

    def describe(self) -> str:
        if self.immediately:
            return "immediately"
        if self.hours:
            return f"{self.hours} hours"
        if self.days:
            return f"{self.days} days"
        if self.months:
            return f"{self.months} month" + ("s" if self.months > 1 else "")
        return "without undue delay"


class Immediately(Frozen):
    """A duty the law says is "immediate" (AI Act Art 73(2)-(4), 26(5)): no number in the law.

    ``after`` lists the events that start it (the earliest recorded one counts: Art 73(4) runs from a causal
    link "established, or as soon as it suspects"); ``duty`` says it in words. The organisation's internal
    target (profile: ``immediate_target_hours``) becomes the obligation's target, shown as internal, never
    as the law; the legal latest stays the rule's long-stop (``deadline``), if it has one.
    """

    after: list[str] = Field(min_length=1)
    duty: str = Field(min_length=1)


class AnnexDates(Frozen):
    """AI Act application dates per annex of a high-risk system (Art 113; Reg. (EU) 2026/1744)."""

    annex_i: date
    annex_iii: date

    def earliest(self) -> date:
        return min(self.annex_i, self.annex_iii)


class AiActApplication(Frozen):
    """When an AI Act rule applies, per annex of the tools it concerns (``tools``: the tool fact that selects them).

    ``deferred``: the later dates under the reading that the rule follows Reg. 2026/1744's high-risk dates; the
    organisation's counsel decides (profile ``art73_reading``), and until then the earlier dates apply.
    """

    tools: str
    dates: AnnexDates
    deferred: AnnexDates | None = None
    open_question: str = ""
    sector_limited: bool = False


class LongStop(Frozen):
    clock_start: str
    hours: int = Field(gt=0)


class ObligationRule(OurReading):
    id: str
    regime: str = ""
    version: str = ""
    action: str
    recipient: str
    citation: str
    check: Literal["P", "S", "M"]
    applies_from: date
    applies_from_note: str = ""
    in_force: bool = True
    not_in_force_reason: str = ""
    when: dict[str, Any]
    decided_by: Literal["notify_supervisory_authority", "communicate_to_data_subjects"] | None = None
    clock_start: str
    deadline: Deadline
    immediately: Immediately | None = None
    # Read only in snapshots stored before ai_act.toml 2026.12.2 (the invented "24 h = immediately"): the event
    # counts as ``immediately.after`` and the hours are ignored for the organisation's internal target.
    immediately_after: str | None = None
    immediately_hours: int | None = None
    application: AiActApplication | None = None
    longstop: LongStop | None = None
    calendar: Literal["eu", "exact", "dora"]
    relief_excludable: bool = False
    group: str | None = None
    # AI Act Art 26(5): the rule applies only once the provider could not be reached after the notice that
    # completed this rule (``ai_act.provider_unreachable``).
    unreachable_after: str | None = None
    done_when: str | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _events_known(self) -> ObligationRule:
        starts = [self.clock_start] + ([self.longstop.clock_start] if self.longstop else [])
        starts += [self.immediately_after] if self.immediately_after else []
        starts += self.immediately.after if self.immediately else []
        for start in starts:
            if not (start in CLOCK_EVENTS or start.startswith("completed:")):
                raise ValueError(f"unknown clock start {start!r}; use one of {sorted(CLOCK_EVENTS)}")
        if self.application and not hasattr(ToolFacts, self.application.tools):
            raise ValueError(f"application.tools: {self.application.tools!r} is not a tool fact")
        if self.deadline.immediately and not (self.immediately or self.immediately_after):
            raise ValueError("deadline = { immediately = true } needs an immediately table saying after what")
        if self.done_when and self.done_when not in CLOCK_EVENTS:
            raise ValueError(f"done_when must be one of {sorted(CLOCK_EVENTS)}")
        if not self.in_force and not self.not_in_force_reason:
            raise ValueError("a rule not in force needs not_in_force_reason")
        return self


class Level(Frozen):
    level: int = Field(ge=1, le=4)
    name: str
    citation: str
    examples: list[str]
    minimum_response: list[str]


class SeverityRule(OurReading):
    id: str
    level: int = Field(ge=1, le=4)
    citation: str
    summary: str
    when: dict[str, Any]
    in_doubt: bool = False


class RegimeFile(Frozen):
    meta: Meta
    obligation: list[ObligationRule] = []
    enisa: dict[str, Any] | None = None
    edpb: EdpbTable | None = None


class SeverityFile(Frozen):
    meta: Meta
    level: list[Level]
    rule: list[SeverityRule]


class Rulebook(Frozen):
    severity: SeverityFile
    regimes: dict[str, RegimeFile]

    @property
    def obligations(self) -> list[ObligationRule]:
        return [rule for regime in self.regimes.values() for rule in regime.obligation]

    def level(self, number: int) -> Level:
        return next(level for level in self.severity.level if level.level == number)

    @property
    def enisa(self) -> dict[str, Any]:
        return self.regimes["gdpr"].enisa or {}

    @property
    def edpb(self) -> EdpbTable | None:
        return self.regimes["gdpr"].edpb

    def versions(self) -> dict[str, str]:
        files = {"severity": self.severity.meta} | {name: f.meta for name, f in self.regimes.items()}
        return {name: f"{meta.version} (checked {meta.last_checked})" for name, meta in files.items()}


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path.name}: not valid TOML: {exc}") from exc


def _check_conditions(name: str, rules: list[Any]) -> None:
    probe = IncidentFacts(detected_at="2026-01-01T00:00:00Z")
    for rule in rules:
        try:
            validate(rule.when, f"{name} {rule.id}")
            evaluate(rule.when, probe, {"severity.level": 1})
        except ConditionError as exc:
            raise RuleFileError(f"{name}: rule {rule.id}: {exc}") from exc


def load_rulebook(directory: Path = RULES_DIR) -> Rulebook:
    """Read and validate every rule file in ``directory``."""
    regimes: dict[str, RegimeFile] = {}
    severity: SeverityFile | None = None
    seen: set[str] = set()
    for path in sorted(directory.glob("*.toml")):
        data = _read(path)
        try:
            if path.stem == "severity":
                severity = SeverityFile.model_validate(data)
                _check_conditions(path.name, severity.rule)
                continue
            meta = data.get("meta", {})
            for rule in data.get("obligation", []):
                rule.setdefault("regime", meta.get("regime", path.stem))
                rule.setdefault("version", meta.get("version", ""))
            regime = RegimeFile.model_validate(data)
        except ValueError as exc:
            raise RuleFileError(f"{path.name}: {exc}") from exc
        _check_conditions(path.name, regime.obligation)
        for rule in regime.obligation:
            if rule.id in seen:
                raise RuleFileError(f"{path.name}: duplicate rule id {rule.id}")
            seen.add(rule.id)
        regimes[regime.meta.regime] = regime
    if severity is None:
        raise RuleFileError(f"{directory}: severity.toml is missing")
    return Rulebook(severity=severity, regimes=regimes)


@lru_cache(maxsize=1)
def default_rulebook() -> Rulebook:
    return load_rulebook(RULES_DIR)  # read at call time, so a test can point it at an edited copy
