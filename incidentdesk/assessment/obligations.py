"""Facts + severity + GDPR recommendation -> every obligation, with its clock and status.

One outcome per rule, whether it applies or not: a "not required" outcome carries its reason,
so the register can show why no notification was made. Each outcome names the rule (id and
version), its citation, the clock-start event and its timestamp, the target and the legal latest.

Statuses: ``done`` (completed), ``overdue`` (past its binding due time), ``pending``,
``may_apply`` and ``not_required`` (with why). ``may_apply`` means the facts that decide whether
the rule applies are unknown: the would-be deadline is shown and the reasons name the facts to
establish, but it is never counted overdue — a legal clock runs from awareness of the facts that
trigger it (GDPR: "reasonable degree of certainty", EDPB 9/2022; AI Act Art 73(2): awareness of
the serious incident). The seed's "in doubt, the higher level" acts on the severity level, whose
internal deadlines (classify in 24 h, GDPR assessment in 24 h) force the unknowns to be settled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import ai_act
from .conditions import evaluate
from .facts import IncidentFacts
from .gdpr import GdprAssessment
from .periods import WorkingCalendar, dora_relief, eu_hours, eu_period, exact_period
from .rulebook import ObligationRule
from .severity import Severity

EVENT_NAMES = {
    "detected_at": "detection",
    "occurred_at": "occurrence",
    "aware_at": "awareness",
    "causal_link_suspected_at": "causal link suspected",
    "causal_link_established_at": "causal link established",
    "classified_at": "classification",
    "corrective_measure_available_at": "corrective or mitigating measure available",
}


@dataclass
class Obligation:
    rule_id: str
    rule_version: str
    regime: str
    action: str
    recipient: str
    citation: str
    deadline: str
    clock_start_event: str
    clock_start: datetime | None
    due_at: datetime | None
    legal_latest: datetime | None
    status: str
    applies: bool | None
    reasons: list[str] = field(default_factory=list)
    completed_at: datetime | None = None
    notes: str = ""
    duty: str = ""
    target_is_internal: bool = False
    open_question: str = ""

    def as_dict(self) -> dict[str, Any]:
        def stamp(value: datetime | None) -> str | None:
            return value.isoformat().replace("+00:00", "Z") if value else None

        return {
            "rule_id": self.rule_id, "rule_version": self.rule_version, "regime": self.regime,
            "action": self.action, "recipient": self.recipient, "citation": self.citation,
            "deadline": self.deadline, "clock_start_event": self.clock_start_event,
            "clock_start": stamp(self.clock_start), "due_at": stamp(self.due_at),
            "legal_latest": stamp(self.legal_latest), "status": self.status, "applies": self.applies,
            "reasons": self.reasons, "completed_at": stamp(self.completed_at), "notes": self.notes,
            "duty": self.duty, "target_is_internal": self.target_is_internal, "open_question": self.open_question,
        }


def _clock_start(event: str, facts: IncidentFacts, reasons: list[str]) -> datetime | None:
    if event.startswith("completed:"):
        names = event.removeprefix("completed:").split("|")
        done = [facts.completed[n] for n in names if n in facts.completed]
        if not done:
            reasons.append(f"Clock starts when {' or '.join(names)} is done; not yet")
        return min(done) if done else None
    value = getattr(facts, event)
    if value is None and event == "aware_at":
        reasons.append("Awareness not recorded: detection time used as the earliest possible awareness")
        return facts.detected_at
    if value is None:
        reasons.append(f"Clock start ({EVENT_NAMES[event]}) not yet recorded")
    return value


def _deadline(rule: ObligationRule, start: datetime, facts: IncidentFacts, cal: WorkingCalendar,
              reasons: list[str]) -> tuple[datetime | None, datetime | None]:
    d = rule.deadline
    if d.without_undue_delay:
        reasons.append("No fixed deadline: without undue delay")
        return None, None
    if d.immediately:
        reasons.append("The law sets no latest date beyond 'immediately': there is no legal long-stop")
        return None, None
    target = exact_period(start, hours=d.hours or 0, days=d.days or 0, months=d.months or 0, zone=cal.zone)
    legal = target
    if rule.calendar == "eu":
        period = (eu_hours(start, hours=d.hours, cal=cal) if d.hours
                  else eu_period(start, days=d.days or 0, months=d.months or 0, cal=cal))
        legal = period.legal_latest
        reasons.append(period.explanation)
    return target, legal


def _dora_legal(rule: ObligationRule, binding: datetime, facts: IncidentFacts, cal: WorkingCalendar,
                reasons: list[str]) -> datetime:
    """RTS 2025/301 Art 5(4) weekend relief, computed from the limit that binds.

    Art 5(1)(a) gives the initial notification two limits (4 hours from classification as major,
    24 hours from awareness); the relief moves whichever of them is the time limit, so it must be
    applied after the long-stop has been weighed, never to the limit that lost.
    """
    if rule.relief_excludable and not facts.organisation.dora_weekend_relief:
        reasons.append("RTS 2025/301 Art 5(5): no weekend relief for this entity")
        return binding
    period = dora_relief(binding, cal)
    reasons.append(period.explanation)
    return period.legal_latest


def _longstops(rule: ObligationRule, facts: IncidentFacts, start: datetime | None, target: datetime | None,
               reasons: list[str]) -> datetime | None:
    """Apply the second limit of a clock: the earlier one binds."""
    if rule.longstop:
        stop_start = _clock_start(rule.longstop.clock_start, facts, [])
        stop = stop_start + timedelta(hours=rule.longstop.hours)
        if start is None:
            reasons.append(f"Not classified yet: the {rule.longstop.hours} h long-stop from "
                           f"{EVENT_NAMES[rule.longstop.clock_start]} binds")
            return stop
        if start > stop:
            reasons.append(f"Classified after the {rule.longstop.hours} h long-stop: "
                           f"{rule.deadline.describe()} from classification (RTS 2025/301 Art 5(2))")
        elif target and stop < target:
            reasons.append(f"The {rule.longstop.hours} h long-stop from awareness binds first")
            target = stop
    return target


def _applicability(rule: ObligationRule, facts: IncidentFacts, severity: Severity,
                   gdpr: GdprAssessment, reasons: list[str]) -> bool | None:
    outcome = evaluate(rule.when, facts, {"severity.level": severity.level})
    decided = getattr(facts.gdpr_decision, rule.decided_by) if rule.decided_by else None
    if outcome.value is False:
        reasons.append("Does not apply: " + "; ".join(outcome.because))
        if decided is not True:
            return False
    elif outcome.value is None:
        reasons.append("May apply, depending on what is still unknown: " + "; ".join(dict.fromkeys(outcome.unknown))
                       + " (the deadline below applies if the answer makes it apply)")
    else:
        reasons.append("Applies: " + "; ".join(outcome.because))
    if rule.decided_by:
        recommended = getattr(gdpr, rule.decided_by)
        if decided is False:
            reasons.append(f"Not required by a person's decision: {facts.gdpr_decision.reasons or 'no reason given'}"
                           f" (recommendation was {_yes_no(recommended)})")
            return False
        if decided is True:
            # The person's decision wins over the recommendation and over facts still unknown: once someone has
            # decided to notify, the clock runs (GDPR Art 33(1) from awareness), whatever the form still lacks.
            reasons.append(f"Required by a person's decision (recommendation was {_yes_no(recommended)})")
            return True
        reasons.append(f"Recommendation: {_yes_no(recommended)}; awaiting a person's decision, which the "
                       "recommendation never replaces")
    return outcome.value


def _yes_no(value: bool | None) -> str:
    return {True: "notify", False: "not required", None: "undetermined"}[value]


def evaluate_rule(rule: ObligationRule, facts: IncidentFacts, severity: Severity, gdpr: GdprAssessment,
                  now: datetime) -> Obligation:
    reasons: list[str] = []
    org = facts.organisation
    cal = WorkingCalendar(org.country, ZoneInfo(org.time_zone))
    event = rule.clock_start.split(":")[0] if rule.clock_start.startswith("completed") else rule.clock_start
    result = Obligation(rule.id, rule.version, rule.regime, rule.action, rule.recipient, rule.citation,
                        _deadline_words(rule), EVENT_NAMES.get(event, rule.clock_start), None, None, None,
                        "not_required", False, reasons, notes=rule.notes)
    if not rule.in_force:
        reasons.append(rule.not_in_force_reason)
        return result
    result.applies = _applicability(rule, facts, severity, gdpr, reasons)
    ai_act.sector_limits(rule, facts, reasons)
    if result.applies is not False and rule.unreachable_after:
        result.applies = _and(result.applies, ai_act.provider_unreachable(rule, facts, now, cal.zone, reasons))
    if result.applies is False:
        return result
    start = _clock_start(rule.clock_start, facts, reasons)
    in_force_on: date = (start or facts.detected_at).astimezone(cal.zone).date()
    applies_from, deferred = ai_act.applies_from(rule, facts, reasons)
    if in_force_on < applies_from:
        reasons.append(f"Not in force on {in_force_on}: applies from {applies_from}"
                       + (f" ({rule.applies_from_note})" if rule.applies_from_note else ""))
        result.applies = False
        return result
    target = legal = None
    if start is not None:
        target, legal = _deadline(rule, start, facts, cal, reasons)
    target = _longstops(rule, facts, start, target, reasons)
    target, result.target_is_internal = ai_act.immediate_target(rule, facts, target, cal.zone, reasons)
    if rule.calendar == "dora" and target is not None:
        legal = _dora_legal(rule, target, facts, cal, reasons)
    if not rule.deadline.immediately and (legal is None or (target and legal < target)):
        legal = target
    result.duty = ai_act.duty_words(rule) if (rule.immediately or rule.immediately_after) else ""
    if result.duty and legal is not None:
        reasons.append(ai_act.legal_latest_words(rule, legal, cal.zone))
    result.open_question = ai_act.open_question(rule, deferred, in_force_on, legal, target, cal.zone)
    if result.open_question:
        reasons.append(result.open_question)
    result.clock_start, result.due_at, result.legal_latest = start, target, legal
    result.completed_at = facts.completed.get(rule.id) or (getattr(facts, rule.done_when) if rule.done_when else None)
    if result.completed_at:
        result.status = "done"
    elif result.applies is None:
        result.status = "may_apply"
    elif target and now > target:
        result.status = "overdue"
    else:
        result.status = "pending"
    return result


def _deadline_words(rule: ObligationRule) -> str:
    """The deadline as the law says it: "immediately; at the latest 15 days" for an immediate duty."""
    if (rule.immediately or rule.immediately_after) and not rule.deadline.immediately:
        return f"immediately; at the latest {rule.deadline.describe()}"
    return rule.deadline.describe()


def _and(left: bool | None, right: bool | None) -> bool | None:
    """Three-valued AND: false wins, then unknown."""
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


def _legal_rank(outcome: Obligation) -> tuple[bool, datetime, bool, datetime]:
    """Rank a tier by its legal long-stop first, its target only to break a tie.

    The tiers of one report can share a target (AI Act Art 73: every tier's "immediately" runs from
    the same causal link) while their long-stops differ (15, 2 and 10 days, Art 73(2)-(4)); the
    tier the law makes shortest is the one that binds, so the long-stop decides.
    """
    latest = datetime.max.replace(tzinfo=UTC)
    return (outcome.legal_latest is None, outcome.legal_latest or latest,
            outcome.due_at is None, outcome.due_at or latest)


def _resolve_groups(outcomes: list[Obligation], rules: list[ObligationRule]) -> None:
    """Within a group (the tiers of one report) the tier with the shortest legal long-stop wins.

    A tier that certainly applies supersedes every later tier. A tier that only may apply stays
    visible when it is shorter than the winner, since it would bind if its facts turn out true.
    """
    groups: dict[str, list[Obligation]] = {}
    for outcome, rule in zip(outcomes, rules, strict=True):
        if rule.group and outcome.status != "not_required":
            groups.setdefault(rule.group, []).append(outcome)
    for members in groups.values():
        members.sort(key=_legal_rank)
        certain = [m for m in members if m.applies is True]
        winner = certain[0] if certain else members[0]
        shorter_possible = True
        for member in members:
            if member is winner:
                shorter_possible = False
                continue
            if shorter_possible and member.applies is None:
                continue
            member.status, member.applies = "not_required", False
            member.reasons.append(f"Superseded by the shorter tier {winner.rule_id} ({winner.citation}): "
                                  "the tier with the earliest legal latest wins")


def evaluate_obligations(facts: IncidentFacts, rules: list[ObligationRule], severity: Severity,
                         gdpr: GdprAssessment, now: datetime) -> list[Obligation]:
    """Every rule's outcome for these facts, soonest due first, not-required last."""
    outcomes = [evaluate_rule(rule, facts, severity, gdpr, now) for rule in rules]
    _resolve_groups(outcomes, rules)
    order = {"overdue": 0, "pending": 1, "may_apply": 2, "done": 3, "not_required": 4}
    latest = datetime.max.replace(tzinfo=UTC)
    return sorted(outcomes, key=lambda o: (order[o.status], o.due_at is None, o.due_at or latest, o.rule_id))
