"""Human-readable text for the CLI; ``--json`` output uses the same dictionaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from incidentdesk import times
from incidentdesk.incidents import section8
from incidentdesk.incidents.models import Incident

LEVEL_NAMES = {1: "Minor", 2: "Moderate", 3: "Major", 4: "Serious"}


def local(value: datetime | None) -> str:
    """The organisation's time with UTC beside it: the same words as the web page and the report (``times``)."""
    return times.with_utc(value)


def countdown(due: datetime | None, now: datetime) -> str:
    if due is None:
        return "no fixed deadline"
    seconds = int((due - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    days, hours = divmod(hours, 24)
    text = (f"{days}d " if days else "") + f"{hours}h{minutes:02d}m"
    return f"overdue by {text}" if seconds < 0 else f"in {text}"


def iso(value: datetime | None) -> str | None:
    return value.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z") if value else None


def incident_summary(incident: Incident, next_due: datetime | None = None) -> dict[str, Any]:
    return {
        "reference": incident.reference, "title": incident.title, "status": incident.status,
        "severity": incident.severity_level, "severity_name": LEVEL_NAMES[incident.severity_level],
        "provisional": incident.provisional, "detected_at": iso(incident.detected_at),
        "categories": incident.categories, "tools": [str(t) for t in incident.tools.all()],
        "next_due": iso(next_due),
    }


def incident_detail(incident: Incident) -> dict[str, Any]:
    now = timezone.now()
    breach = getattr(incident, "breach_assessment", None)
    return incident_summary(incident) | {
        "description": incident.description, "detection_source": incident.detection_source,
        "occurred_at": iso(incident.occurred_at), "aware_at": iso(incident.aware_at),
        "causal_link_established_at": iso(incident.causal_link_established_at),
        "classified_at": iso(incident.classified_at), "data_classes": incident.data_classes,
        "affected_parties": incident.affected_parties, "facts": incident.facts,
        "severity_reasons": incident.severity_reasons, "severity_reasoning": incident.severity_reasoning,
        "rca_outcome": section8.rca_outcome(incident), "resulting_changes": section8.resulting_changes(incident),
        "actions": [{"taken_at": iso(a.taken_at), "kind": a.kind, "description": a.description,
                     "taken_by": a.taken_by, "result": a.result} for a in incident.containment_actions.all()],
        "notifications": [{"sent_at": iso(n.sent_at), "recipient": n.recipient, "channel": n.channel,
                           "reference": n.reference, "obligation": n.obligation.rule_id if n.obligation else None}
                          for n in incident.notifications.select_related("obligation")],
        "obligations": [{"rule_id": o.rule_id, "rule_version": o.rule_version, "regime": o.regime,
                         "action": o.action, "citation": o.citation, "status": o.shown_status(now),
                         "clock_start_event": o.clock_start_event, "clock_start": iso(o.clock_start_at),
                         "due_at": iso(o.due_at), "legal_latest": iso(o.legal_latest_at), "reasons": o.reasons,
                         "our_reading": o.our_reading}
                        for o in incident.obligations.select_related("snapshot")],
        "gdpr": None if breach is None else {
            "outcome": breach.outcome, "provisional": breach.provisional, "best_case": breach.best_case,
            "factors": breach.factors, "score": breach.score, "band": breach.band,
            "recommendation": {"notify_supervisory_authority": breach.recommend_notify_authority,
                               "communicate_to_data_subjects": breach.recommend_communicate_subjects,
                               "reasons": breach.reasons},
            "decision": None if breach.decided_at is None else {
                "notify_supervisory_authority": breach.decided_notify_authority,
                "communicate_to_data_subjects": breach.decided_communicate_subjects,
                "reasons": breach.decision_reasons, "decided_at": iso(breach.decided_at)}},
    }


def _clock(due, legal) -> str:
    text = local(due) if due else "no fixed deadline"
    return text + (f" (legal latest {local(legal)})" if legal and legal != due else "")


def law_change_text(preview) -> str:
    """A law-change preview as a person reads it: the rule files, then per incident what would change."""
    if not preview.incidents:
        return "No open incident is pending a law change: every one was computed with the current rule files."
    lines = ["The rule files changed:"]
    lines += [f"  {f.title}: {', '.join(f.computed_with)} → {f.version or 'removed'}"
              + (f" (checked {f.last_checked})" if f.last_checked else "") for f in preview.files]
    lines.append(f"{len(preview.incidents)} open incident(s) pending the change; "
                 f"{len(preview.would_change)} would change their clocks:")
    for incident in preview.incidents:
        lines.append(f"{incident.reference}  {incident.title}")
        for c in incident.material_changes:
            what = {"moves": f"moves: {_clock(c.due_before, c.legal_before)} → {_clock(c.due_after, c.legal_after)}",
                    "appears": f"appears: due {_clock(c.due_after, c.legal_after)}",
                    "disappears": "disappears: no longer required",
                    "changes": f"{c.status_before.replace('_', ' ')} → {c.status_after.replace('_', ' ')}"}[c.kind]
            lines.append(f"  {c.rule_id} ({c.citation}, rule v{c.version_before or '—'} → v{c.version_after or '—'}) "
                         f"{what}" + (f"\n    Our reading: {c.our_reading}" if c.our_reading else ""))
        if not incident.would_change:
            lines.append("  No clock changes; only the rule versions it names.")
    lines.append("Apply to all: incidentdesk reevaluate --apply · to some: incidentdesk reevaluate --apply REF ...")
    return "\n".join(lines)
