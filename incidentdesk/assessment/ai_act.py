"""The AI Act's own clock rules: "immediately", application dates per annex, Art 73(9)-(10), Art 26(5) hand-off.

Kept apart from ``obligations.py`` because each answers a question only the AI Act asks:

- **"Immediately"** (Art 73(2)-(4), 26(5)) is a legal duty without a number. The obligation shows the duty in
  words, the organisation's internal target (profile, default 24 hours, shown as internal) as its target, and
  the rule's long-stop as the legal latest. Nothing here turns "immediately" into a number of hours of law.
- **Application dates** differ by annex (Art 113(c); Reg. (EU) 2026/1744), and whether Art 73 itself moves is an
  open question the organisation's counsel answers on the profile; until then the earlier date applies.
- **Art 73(9)-(10)**: for some systems only infringements of fundamental-rights obligations go to the AI authority.
- **Art 26(5)**: a deployer whose provider does not acknowledge its notice in time reports under Art 73 itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .facts import IncidentFacts, ToolFacts
from .rulebook import AnnexDates, ObligationRule, default_rulebook

EVENT_WORDS = {
    "aware_at": "awareness",
    "causal_link_suspected_at": "the causal link was suspected",
    "causal_link_established_at": "the causal link was established",
}
#: The same events as the thing a person records ("the duty starts once … is recorded").
EVENT_RECORDS = {
    "aware_at": "awareness",
    "causal_link_suspected_at": "the time a causal link was suspected",
    "causal_link_established_at": "the time the causal link was established",
}
READINGS = {
    "undecided": "not decided",
    "from_2026_08_02": "Art 73 applies from 2 August 2026 (Art 113)",
    "follows_2026_1744": "Art 73 follows the high-risk application dates of Reg. (EU) 2026/1744",
}
ANNEX_WORDS = {"annex_i": "Annex I (product safety law)", "annex_iii": "Annex III (use case)"}


def local(value: datetime, zone: ZoneInfo) -> str:
    """A time as the organisation reads it (stored in UTC, shown in its time zone)."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _immediate_start(rule: ObligationRule, facts: IncidentFacts) -> tuple[list[str], datetime | None, str]:
    """The events that start the duty, and the earliest one recorded (awareness falls back to detection)."""
    events = rule.immediately.after if rule.immediately else [rule.immediately_after or ""]
    recorded = [(facts.awareness if e == "aware_at" else getattr(facts, e), e) for e in events]
    known = sorted((when, e) for when, e in recorded if when is not None)
    return events, (known[0][0] if known else None), (known[0][1] if known else "")


def duty_words(rule: ObligationRule) -> str:
    """The duty as the law says it ("immediately after …"); legacy snapshots name their event."""
    if rule.immediately:
        return rule.immediately.duty
    return f"immediately after {EVENT_WORDS.get(rule.immediately_after or '', 'the event')}"


def immediate_target(rule: ObligationRule, facts: IncidentFacts, target: datetime | None, zone: ZoneInfo,
                     reasons: list[str]) -> tuple[datetime | None, bool]:
    """The target of an "immediately" duty: the organisation's internal target, when it comes first.

    Returns the target and whether it is the internal one. The reasons say which time is the law's
    (the legal latest) and which is ours, so nobody mistakes the internal target for a legal deadline.
    """
    if not (rule.immediately or rule.immediately_after):
        return target, False
    hours = facts.organisation.immediate_target_hours
    events, start, event = _immediate_start(rule, facts)
    duty = duty_words(rule)
    if start is None:
        waiting = " or ".join(EVENT_RECORDS.get(e, e) for e in events)
        reasons.append(f"The law says: {duty}, with no number of hours. The duty starts once {waiting} is "
                       f"recorded; our internal target is then {hours} h after it")
        return target, False
    internal = start + timedelta(hours=hours)
    if target is not None and target <= internal:
        reasons.append(f"The law says: {duty}, with no number of hours. Our internal target ({hours} h after "
                       f"{EVENT_WORDS.get(event, event)}) would fall after the legal latest, so the legal latest "
                       "is the target")
        return target, False
    reasons.append(f"The law says: {duty}, with no number of hours. Our internal target: {hours} h after "
                   f"{EVENT_WORDS.get(event, event)} ({local(start, zone)}), i.e. {local(internal, zone)}. "
                   "It is set on the organisation profile: internal, not the law; reminders and 'overdue' count it")
    return internal, True


def legal_latest_words(rule: ObligationRule, legal: datetime | None, zone: ZoneInfo) -> str:
    """The reason naming the legal latest of an "immediately" rule as the law's own limit."""
    if legal is None:
        return ""
    return (f"Legal latest (the law's long-stop, {rule.citation}): not later than {rule.deadline.describe()} "
            f"after awareness, i.e. {local(legal, zone)}")


def _date_for(tool: ToolFacts, dates: AnnexDates) -> date:
    return {"annex_i": dates.annex_i, "annex_iii": dates.annex_iii}.get(tool.annex or "", dates.earliest())


def _tools_concerned(rule: ObligationRule, facts: IncidentFacts) -> list[ToolFacts]:
    assert rule.application is not None
    return [t for t in facts.tools if getattr(t, rule.application.tools) is not False]


def _earliest(tools: list[ToolFacts], dates: AnnexDates) -> date:
    return min((_date_for(t, dates) for t in tools), default=dates.earliest())


def applies_from(rule: ObligationRule, facts: IncidentFacts, reasons: list[str]) -> tuple[date, date | None]:
    """The date the rule applies from for these tools, and the deferred date while counsel has not decided.

    A tool whose annex is not recorded gets the earlier date (the stricter reading), and the reason says so.
    """
    app = rule.application
    if app is None:
        return rule.applies_from, None
    tools = _tools_concerned(rule, facts)
    for tool in tools:
        if tool.annex not in ANNEX_WORDS:
            reasons.append(f"Annex of {tool.name} not recorded (inventory): the earlier application date is used, "
                           "the stricter reading")
    base = max(rule.applies_from, _earliest(tools, app.dates))
    if app.deferred is None:
        return base, None
    deferred = max(rule.applies_from, _earliest(tools, app.deferred))
    reading = facts.organisation.art73_reading
    if reading == "follows_2026_1744":
        reasons.append(f"Counsel's answer recorded on the organisation profile: {READINGS[reading]}; for this "
                       f"system it applies from {deferred}")
        return deferred, None
    if reading == "from_2026_08_02":
        reasons.append(f"Counsel's answer recorded on the organisation profile: {READINGS[reading]}; for this "
                       f"system it applies from {base}")
        return base, None
    return base, deferred


def open_question(rule: ObligationRule, deferred: date | None, in_force_on: date, legal: datetime | None,
                  target: datetime | None, zone: ZoneInfo) -> str:
    """Both readings of the open question, with their deadlines, while counsel has not decided."""
    if deferred is None or in_force_on >= deferred or rule.application is None:
        return ""
    latest = legal or target
    report = f"report by {local(latest, zone)}" if latest else "report as the clock below says"
    return (f"Open question ({rule.application.open_question or 'Reg. (EU) 2026/1744'}): if Art 73 applies from "
            f"2 August 2026, {report}; if it follows the high-risk rules' dates, it is not yet in force for this "
            f"system (from {deferred}). Your counsel's answer is not recorded on the organisation profile, so the "
            "stricter reading applies and this deadline stands")


def sector_limits(rule: ObligationRule, facts: IncidentFacts, reasons: list[str]) -> None:
    """Say why a tool's serious incidents (other than fundamental-rights infringements) are not reported here."""
    if rule.application is None or not rule.application.sector_limited:
        return
    for tool in _tools_concerned(rule, facts):
        if tool.medical_device is True:
            reasons.append(f"Art 73(10): {tool.name} is, or is a safety component of, a medical device, so only "
                           "infringements of fundamental-rights obligations (Art 3(49)(c)) are reported under the "
                           "AI Act; other serious incidents go through medical-device vigilance (MDR/IVDR)")
        elif tool.sector_limited:
            reasons.append(f"Art 73(9): {tool.name} is an Annex III system whose provider has equivalent Union "
                           "reporting duties, so only infringements of fundamental-rights obligations (Art 3(49)(c)) "
                           "are reported under the AI Act; other serious incidents go through that sector's regime")


def _action_of(rule_id: str) -> str:
    """The step a rule asks for, in its own words: a reason names the step people see, never its rule id."""
    found = next((rule for rule in default_rulebook().obligations if rule.id == rule_id), None)
    return found.action if found else "Inform the provider of the AI system of the serious incident"


def provider_unreachable(rule: ObligationRule, facts: IncidentFacts, now: datetime, zone: ZoneInfo,
                         reasons: list[str]) -> bool | None:
    """Art 26(5): could the deployer not reach the provider? True raises the deployer's own Art 73 duty.

    The notice is the completion of ``rule.unreachable_after``; the provider had the organisation's internal
    target (profile ``provider_ack_hours``) to acknowledge it. Unknown (None) while that time runs.
    An acknowledgement after the target does not undo the duty already raised: the report may be on its way.
    """
    notice_rule = rule.unreachable_after or ""
    sent = facts.completed.get(notice_rule)
    hours = facts.organisation.provider_ack_hours
    if sent is None:
        step = _action_of(notice_rule)
        reasons.append(f"Not raised: the provider has not been notified yet (the step \u201c{step}\u201d is not marked "
                       "done); Art 73 applies to the deployer only where it cannot reach the provider "
                       "(Art 26(5))")
        return False
    limit = sent + timedelta(hours=hours)
    ack = facts.provider_acknowledged_at
    if ack is not None and ack <= limit:
        reasons.append(f"Not raised: the provider acknowledged our notice at {local(ack, zone)}, within our "
                       f"internal target of {hours} h")
        return False
    if ack is not None:
        reasons.append(f"Raised: the provider acknowledged only at {local(ack, zone)}, after our internal target "
                       f"of {hours} h from our notice ({local(limit, zone)}); the provider could not be reached "
                       "in time, so Art 73 applies to us mutatis mutandis (Art 26(5), second subparagraph)")
        return True
    if now < limit:
        reasons.append(f"Raised if the provider does not acknowledge our notice of {local(sent, zone)} by "
                       f"{local(limit, zone)} (our internal target, {hours} h): then Art 73 applies to us "
                       "mutatis mutandis (Art 26(5), second subparagraph)")
        return None
    reasons.append(f"Raised: no acknowledgement from the provider by {local(limit, zone)}, {hours} h after our "
                   f"notice (our internal target): the provider could not be reached, so Art 73 applies to us "
                   "mutatis mutandis (Art 26(5), second subparagraph)")
    return True
