"""The incident report for an auditor: one text, rendered as a web page, PDF and DOCX.

Sections follow what an auditor asks for: the register entry (seed procedure §8), the severity and its
reasoning with its history, every obligation and how and when it was met (or why it was not required),
the GDPR breach assessment with the person's decision, its reasons and who took it, the notifications with
their references, who among the people affected was informed (Art 34), containment, the root-cause analysis
in full, corrective actions with their effectiveness method and result, lessons and the document changes
they made, the evidence with its SHA-256 and chain of custody, the closure and who closed it, and the history
in words (``timeline``). Every time is in the organisation's time zone with UTC beside it (``times``), so the
web, the CLI and the API write the same report.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from incidentdesk import times
from incidentdesk.assessment import vocabulary
from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import head_checkpoint
from incidentdesk.breaches import register as breach_register
from incidentdesk.incidents import section8
from incidentdesk.incidents.models import Incident
from incidentdesk.organisation.models import Organisation
from incidentdesk.procedure.references import readable
from incidentdesk.retention import services as retention

from . import timeline
from .markdown import escape


def _t(value: datetime | None) -> str:
    return times.with_utc(value)


def _md(text: Any) -> str:
    """Escape user text so it stays text inside the generated Markdown (line breaks kept)."""
    return escape(str(text) if text not in (None, "") else "—")


def _item(label: str, value: Any) -> str:
    return f"- **{label}:** {_md(value)}"


def _name(user: Any, fallback: str = "—") -> str:
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


def _procedure(incident: Incident) -> str:
    """The procedure version in force when the incident was recorded (issue 14): what it was handled under."""
    version = incident.procedure_version
    if version is None:
        return "No procedure version was in force when it was recorded"
    since = f" (in force from {version.effective_on:%-d %B %Y})" if version.effective_on else ""
    return f"{version.document}, version {version.number}{since}"


def register_entry(incident: Incident) -> str:
    """Seed procedure §8: the register's fields for this incident."""
    org = Organisation.current()
    tools = [str(t) for t in incident.tools.all()]
    notifications = [f"{_t(n.sent_at)} to {n.recipient}" + (f", reference {n.reference}" if n.reference else "")
                     for n in incident.notifications.all()]
    return "\n".join([
        _item("Organisation", org.name), _item("Reference", incident.reference), _item("Title", incident.title),
        _item("Status", incident.get_status_display()),
        _item("Handled under", _procedure(incident)),
        _item("Detected", f"{_t(incident.detected_at)} ({incident.get_detection_source_display()})"),
        _item("Occurred", _t(incident.occurred_at)), _item("Became aware", _t(incident.aware_at)),
        _item("AI tools", ", ".join(tools) or "—"),
        _item("Categories", vocabulary.show("categories", incident.categories) if incident.categories else "—"),
        _item("Categories of personal data", ", ".join(breach_register.data_categories(incident)) or "—"),
        _item("Affected parties", incident.affected_parties),
        _item("Severity level", f"{incident.severity_level}"
              + (" (provisional)" if incident.provisional else " (classified definitively)")),
        _item("Actions taken and dates", "\n".join(section8.action_lines(incident)) or "—"),
        _item("Notifications", "\n".join(notifications) or "None"),
        _item("Outcome of the root-cause analysis", section8.rca_outcome(incident) or "Not completed"),
        _item("Changes to policy, inventory or procedure", "\n".join(section8.change_lines(incident)) or "None"),
        "", "**What happened**", "", _md(incident.description)])


def severity(incident: Incident) -> str:
    """The level, the person's reasoning, the computed reasons, and every change of level with who and why."""
    lines = [f"Level **{incident.severity_level}**, "
             + (f"classified definitively {_t(incident.classified_at)}." if incident.classified_at
                else "provisional (not yet classified definitively)."),
             "", f"Reasoning: {_md(incident.severity_reasoning)}", "", "Why the rules give this level:"]
    lines += [f"- {_md(readable(r))}" for r in incident.severity_reasons] or ["- —"]
    lines += ["", "History of the level:"]
    for h in incident.classifications.all():
        change = (f"level {h.previous_level} → {h.level}" if h.previous_level not in (None, h.level)
                  else f"level {h.level}")
        lines.append(f"- {_t(h.at)}: {h.get_kind_display()}, {change} (computed {h.computed_level}), "
                     f"by {_md(h.by_name)}" + (f" — \u201c{_md(h.reasoning)}\u201d" if h.reasoning else ""))
    return "\n".join(lines)


def _obligation_line(o: Any) -> str:
    head = (f"- **{_md(o.action)}** ({readable(o.citation)}; to {_md(o.recipient or '—')}; "
            f"rule {o.rule_id} v{o.rule_version})")
    if o.status == "not_required":
        why = o.reasons[-1] if o.reasons else "the rule does not apply to these facts"
        return f"{head}: **not required** — {_md(why)}"
    if o.completed_at:
        late = " (late)" if o.due_at and o.completed_at > o.due_at else ""
        how = "settled by hand" if o.settlement == "hand" else "met by the act"
        who = f" (by {_md(_name(o.completed_by))})" if o.completed_by_id else ""
        return (f"{head}: clock from {_t(o.clock_start_at)}, due {_t(o.due_at)}; **done {_t(o.completed_at)}**"
                f"{late}, {how}: {_md(o.settled_reason or 'the event it waits for was recorded')}{who}")
    state = {"pending": "open", "may_apply": "may apply (facts to establish)"}.get(o.status, o.status)
    return f"{head}: due {_t(o.due_at)}: **{state}**"


def _with_reading(o: Any) -> str:
    """The obligation's line, and the interpretation its deadline rests on, when it rests on one."""
    line = _obligation_line(o)
    return line + (f" — *our reading:* {_md(o.our_reading)}" if o.status != "not_required" and o.our_reading else "")


def obligations(incident: Incident) -> str:
    rows = sorted(incident.obligations.select_related("completed_by", "snapshot"),  # its reading: no query each
                  key=lambda o: (o.status == "not_required", o.due_at is None, o.due_at or o.pk))
    return "\n".join(_with_reading(o) for o in rows) or "None."


def gdpr(incident: Incident) -> str:
    """The recommendation (internal: its scoring is shown here, never in outward letters) and the decision."""
    row = getattr(incident, "breach_assessment", None)
    if row is None:
        return "No personal data breach: no GDPR assessment was needed."
    lines = [_item("Recommendation", breach_register.recommendation_text(row)), "", "Why it was recommended:"]
    lines += [f"- {_md(r)}" for r in row.reasons] or ["- —"]
    if row.unknown:
        lines += ["", _item("Still unknown when last assessed", "; ".join(timeline.fact_label(u) for u in row.unknown))]
    lines += ["", _item("Decision", breach_register.decision_text(row))]
    if row.decided_at:
        lines += [_item("Reasons for the decision", row.decision_reasons),
                  _item("Decided by", _name(row.decided_by)), _item("Decided", _t(row.decided_at))]
    return "\n".join(lines)


def notifications(incident: Incident) -> str:
    rows = incident.notifications.select_related("obligation", "recorded_by").order_by("sent_at")
    return "\n".join(
        f"- {_t(n.sent_at)} to **{_md(n.recipient)}** by {n.get_channel_display().lower()}"
        + (f" ({readable(n.obligation.citation)})" if n.obligation_id else "")
        + (f", reference **{_md(n.reference)}**" if n.reference else ", no reference received")
        + f"; recorded by {_md(_name(n.recorded_by))}" for n in rows) or "None."


def people_informed(incident: Incident) -> str:
    rows = list(incident.subject_communications.all())
    if not rows:
        return "Nobody is recorded as informed."
    personal = (incident.facts or {}).get("personal_data") or {}
    total = sum(r.people or 0 for r in rows)
    affected = personal.get("data_subjects")
    head = f"{total} people recorded as informed" + (f", of about {affected} affected." if affected else ".")
    return "\n".join([head, ""] + [f"- {_md(breach_register.communication_line(r))}" for r in rows])


def containment(incident: Incident) -> str:
    return "\n".join(f"- {_t(a.taken_at)} {a.get_kind_display()} by {_md(a.taken_by)}: {_md(a.description)} "
                     f"({a.get_result_display()})" for a in incident.containment_actions.all()) or "None."


def _cause(value: str) -> str:
    """A cause category by its label ("human_error" → "Human error"), as the analysis form offers it."""
    from incidentdesk.investigation.models import CauseCategory

    return CauseCategory(value).label if value in CauseCategory.values else value.replace("_", " ")


def rca(incident: Incident) -> str:
    row = getattr(incident, "rca", None)
    if row is None:
        return "Not recorded."
    return "\n".join([
        _item("What happened", row.what_happened), _item("Why it happened", row.why),
        _item("What was done", row.what_was_done), _item("Impact", row.impact),
        _item("What changes to prevent recurrence", row.what_changes),
        _item("Five whys", " → ".join(row.five_whys) or "—"),
        _item("Contributing factors", row.contributing_factors),
        _item("Cause categories", ", ".join(_cause(c) for c in row.cause_categories) or "—"),
        _item("Systemic cause", row.systemic_cause),
        _item("Completed", f"{_t(row.completed_at)} by {_name(row.completed_by)}" if row.completed_at
              else "Not completed (draft)")])


def corrective_actions(incident: Incident) -> str:
    lines = []
    for a in incident.corrective_actions.select_related("assignee"):  # its owner's name: not a query per action
        lines += [f"- **{_md(a.description)}** — {a.get_kind_display().split(' (')[0]}, owner {_md(a.owner_name)}, "
                  f"due {a.due_on:%Y-%m-%d}: **{a.get_status_display()}**",
                  f"  - Implemented: {_t(a.implemented_at)}",
                  f"  - Effectiveness check (method): {_md(a.effectiveness_method)}"
                  + (f", due {a.effectiveness_due_on:%Y-%m-%d}" if a.effectiveness_due_on else ""),
                  f"  - Result: {_md(a.effectiveness_result)} ({_t(a.verified_at)})"]
        if a.acceptance_reason:
            lines.append(f"  - Accepted without a check because: {_md(a.acceptance_reason)}")
    return "\n".join(lines) or "None."


def lessons(incident: Incident) -> str:
    lines = []
    for lesson in incident.lessons.prefetch_related("changes"):
        lines.append(f"- {lesson.get_target_display()}: {_md(lesson.text)} — **{lesson.get_status_display()}**"
                     + (f" {_t(lesson.decided_at)}" if lesson.decided_at else "")
                     + (f": {_md(lesson.decision_reason)}" if lesson.decision_reason else ""))
        lines += [f"  - {c.get_document_display()} changed on {c.changed_on:%Y-%m-%d}: {_md(c.summary)} "
                  f"(recorded by {_md(c.recorded_by)})" for c in lesson.changes.all()]
    return "\n".join(lines) or "None."


def evidence(incident: Incident) -> str:
    lines = []
    # "superseded" reads the file that replaced it: joined, not a query per file
    for e in incident.evidence.select_related("superseded_by").prefetch_related("custody"):
        lines += [f"- **{_md(e.original_name)}**, {e.size} bytes, added {_t(e.added_at)} by {_md(e.added_by_name)}"
                  f"{'' if e.current else ' (superseded)'}", f"  - SHA-256 `{e.sha256}`"]
        lines += [f"  - {_t(c.at)} {c.get_action_display().lower()} by {_md(c.by_name)}"
                  + (f": {_md(c.note)}" if c.note else "") for c in e.custody.all()]
    return "\n".join(lines) or "None."


def closure_event(incident: Incident) -> AuditEvent | None:
    """The event that closed the incident (the last move to closed), if it is closed now."""
    if incident.status != "closed":
        return None
    for event in AuditEvent.objects.filter(incident_ref=incident.reference,
                                           action__in=("incident.transition", "incident.reopened")).order_by("-seq"):
        if (json.loads(event.data).get("after") or {}).get("status") == "closed":
            return event
    return None


def closure(incident: Incident) -> str:
    event = closure_event(incident)
    if event is None:
        return f"Not closed: the incident is {incident.get_status_display().lower()}."
    return f"Closed {_t(event.at)} by {_md(event.actor_name)}."


def history(incident: Incident, reader: Any = None) -> str:
    """The history in words, as ``reader`` may read it: another incident they may not see is not named."""
    lines = [f"- {_t(line.at)} — {_md(line.actor)}: {_md(line.text)}"
             for line in timeline.lines(incident, reader=reader)]
    anchor = head_checkpoint()  # also kept in the checkpoint folder: the report and the folder agree
    lines += ["", f"Audit log at the time of this report: event #{anchor.seq}, fingerprint {anchor.fingerprint} "
              f"(checkpoint signed with key {anchor.key_id}). To check later that the log still holds it: "
              f"`incidentdesk audit verify --expect {anchor.seq}:{anchor.hash[:16]}`."]
    return "\n".join(lines)


def keeping(incident: Incident) -> str:
    """Seed §8: how long the entry is kept, and any legal hold (past and present) with who and why."""
    holds = list(incident.legal_holds.order_by("placed_at", "pk"))
    active = retention.active_hold(incident)
    lines = [_item("Retention", f"{Organisation.current().retention_years} years from the incident (procedure §8)"),
             _item("Legal hold", (f"in force {'until ' + str(active.until) if active.until else 'until released'}: "
                                  f"{active.reason}") if active else "none in force")]
    for hold in holds:
        ended = (f"; released {_t(hold.released_at)} by {hold.released_by_name}: {hold.release_reason}"
                 if hold.released_at else "")
        lines.append(f"- {_md(f'Placed {_t(hold.placed_at)} by {hold.placed_by_name}: {hold.reason}{ended}')}")
    return "\n".join(lines)


SECTIONS = (
    ("Register entry", register_entry), ("Retention and legal hold", keeping), ("Severity and its reasoning", severity),
    ("Obligations and how each was met", obligations), ("GDPR breach assessment and decision", gdpr),
    ("Notifications sent", notifications), ("People affected who were informed (GDPR Art 34)", people_informed),
    ("Containment and actions taken", containment), ("Root-cause analysis", rca),
    ("Corrective and preventive actions", corrective_actions),
    ("Lessons learned and the changes they made", lessons), ("Evidence and its chain of custody", evidence),
    ("Closure", closure), ("Timeline (audit log)", history),
)


def sections(incident: Incident, reader: Any = None) -> list[tuple[str, str]]:
    """(heading, Markdown) pairs, in reading order (the organisation's zone read once for the whole report);
    the history as ``reader`` may read it (decision 195)."""
    with times.pinned():
        built = [(heading, history(incident, reader) if build is history else build(incident))
                 for heading, build in SECTIONS]
    return [("EXERCISE", EXERCISE_NOTE), *built] if incident.is_exercise else built


EXERCISE_NOTE = ("**EXERCISE — not a real incident.** This is the record of a rehearsal (tabletop exercise). "
                 "Its clocks ran on the exercise's own times, and nothing in it was sent to an authority, a "
                 "provider or a client.")


def title(incident: Incident) -> str:
    exercise = "EXERCISE — " if incident.is_exercise else ""
    return f"{exercise}Incident report {incident.reference}: {incident.title}"
