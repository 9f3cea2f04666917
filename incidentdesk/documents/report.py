"""The incident report for an auditor: one text, rendered as PDF and DOCX.

Sections follow the seed's register (§8) and the ISO 42001 template: facts, timeline, severity and
its reasoning, every obligation and how it was met (or why it was not required), notifications, root
cause, corrective actions and their effectiveness, lessons, and the evidence with its SHA-256.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import head_checkpoint
from incidentdesk.incidents import section8
from incidentdesk.incidents.models import Incident
from incidentdesk.organisation.models import Organisation


def _t(value: datetime | None) -> str:
    if value is None:
        return "—"
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M %Z} ({value.astimezone(UTC):%H:%M} UTC)"


def _md(text: str) -> str:
    """Escape user text so it stays text inside the generated Markdown."""
    return (text or "—").replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


def sections(incident: Incident) -> list[tuple[str, str]]:
    org = Organisation.current()
    tools = ", ".join(str(t) for t in incident.tools.all()) or "—"
    facts = "\n".join([
        f"- **Organisation:** {_md(org.name)}", f"- **Status:** {incident.get_status_display()}",
        f"- **Detected:** {_t(incident.detected_at)} ({incident.get_detection_source_display()})",
        f"- **Occurred:** {_t(incident.occurred_at)}", f"- **Aware:** {_t(incident.aware_at)}",
        f"- **AI tools:** {_md(tools)}", f"- **Categories:** {', '.join(incident.categories) or '—'}",
        f"- **Data classes:** {', '.join(incident.data_classes) or '—'}",
        f"- **Affected parties:** {_md(incident.affected_parties)}",
        f"- **Root-cause analysis outcome:** {_md(section8.rca_outcome(incident).replace(chr(10), '; '))}",
        f"- **Changes to policy, inventory or procedure:** "
        f"{_md('; '.join(section8.change_lines(incident)))}", "", _md(incident.description)])
    severity = [f"Level **{incident.severity_level}**, "
                + (f"classified definitively {_t(incident.classified_at)}." if incident.classified_at
                   else "provisional (not yet classified definitively)."),
                "", f"Reasoning: {_md(incident.severity_reasoning)}", ""]
    severity += [f"- {_md(r)}" for r in incident.severity_reasons]
    severity += ["", "History:"] + [f"- {_t(h.at)} {h.get_kind_display()}: level {h.level} by {_md(h.by_name)}"
                                    + (f" — {_md(h.reasoning)}" if h.reasoning else "")
                                    for h in incident.classifications.all()]
    obligations = []
    for o in incident.obligations.select_related("snapshot").order_by("status", "due_at"):
        if o.status == "not_required":
            obligations.append(f"- {_md(o.action)} ({o.citation}): **not required** — {_md(o.reasons[-1])}")
        else:
            met = f"done {_t(o.completed_at)}" if o.completed_at else o.shown_status(timezone.now()).replace("_", " ")
            late = " (late)" if o.completed_at and o.due_at and o.completed_at > o.due_at else ""
            how = (f" — settled by hand: {_md(o.settled_reason)}" if o.settlement == "hand"
                   else f" — {_md(o.settled_reason)}" if o.completed_at and o.settled_reason else "")
            obligations.append(f"- {_md(o.action)} ({o.citation}), due {_t(o.due_at)}: **{met}**{late}{how} "
                               f"— rule {o.rule_id} v{o.rule_version}"
                               + (f" — *our reading:* {_md(o.our_reading)}" if o.our_reading else ""))
    notifications = [f"- {_t(n.sent_at)} to {_md(n.recipient)} by {n.get_channel_display()}"
                     + (f", reference {_md(n.reference)}" if n.reference else "") for n in incident.notifications.all()]
    containment = [f"- {_t(a.taken_at)} {a.get_kind_display()} by {_md(a.taken_by)}: {_md(a.description)} "
                   f"({a.get_result_display()})" for a in incident.containment_actions.all()]
    rca = getattr(incident, "rca", None)
    rca_text = "Not recorded." if rca is None else "\n".join([
        f"- **What happened:** {_md(rca.what_happened)}", f"- **Why:** {_md(rca.why)}",
        f"- **What was done:** {_md(rca.what_was_done)}", f"- **Impact:** {_md(rca.impact)}",
        f"- **What changes:** {_md(rca.what_changes)}",
        f"- **Cause categories:** {', '.join(rca.cause_categories) or '—'}",
        f"- **Five whys:** {' → '.join(_md(w) for w in rca.five_whys) or '—'}",
        f"- **Systemic cause:** {_md(rca.systemic_cause)}",
        f"- **Completed:** {_t(rca.completed_at)}"])
    capa = [f"- {_md(a.description)} — {a.get_kind_display().split(' (')[0]}, owner {_md(a.owner)}, due {a.due_on}: "
            f"**{a.get_status_display()}**" + (f"; check: {_md(a.effectiveness_result)}" if a.effectiveness_result
                                               else "") + (f"; accepted: {_md(a.acceptance_reason)}"
                                                           if a.acceptance_reason else "")
            for a in incident.corrective_actions.all()]
    lessons = [f"- {lesson.get_target_display()}: {_md(lesson.text)} — **{lesson.get_status_display()}**"
               for lesson in incident.lessons.all()]
    evidence = [f"- {_md(e.original_name)}, {e.size} bytes, added {_t(e.added_at)} by {_md(e.added_by_name)}"
                f"{'' if e.current else ' (superseded)'}\n  SHA-256 `{e.sha256}`" for e in incident.evidence.all()]
    timeline = [f"- {_t(e.at)} {_md(e.actor_name)}: {e.action}"
                for e in AuditEvent.objects.filter(incident_ref=incident.reference).order_by("seq")]
    anchor = head_checkpoint()  # also kept in the checkpoint folder: the report and the folder agree
    timeline += ["", f"Audit log at the time of this report: event #{anchor.seq}, fingerprint {anchor.fingerprint} "
                 f"(checkpoint signed with key {anchor.key_id}). To check later that the log still holds it: "
                 f"`incidentdesk audit verify --expect {anchor.seq}:{anchor.hash[:16]}`."]
    return [
        ("Facts", facts), ("Severity", "\n".join(severity)),
        ("Obligations and how each was met", "\n".join(obligations) or "None."),
        ("Notifications sent", "\n".join(notifications) or "None."),
        ("Containment and actions taken", "\n".join(containment) or "None."),
        ("Root-cause analysis", rca_text),
        ("Corrective and preventive actions", "\n".join(capa) or "None."),
        ("Lessons learned", "\n".join(lessons) or "None."),
        ("Evidence", "\n".join(evidence) or "None."),
        ("Timeline (audit log)", "\n".join(timeline)),
    ]


def title(incident: Incident) -> str:
    return f"Incident report {incident.reference}: {incident.title}"
