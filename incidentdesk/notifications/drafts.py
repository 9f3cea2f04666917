"""Drafts of notifications, written from the incident's facts. Anything not known is marked, never invented.

Each draft kind lists the elements the law asks for, with its article. GDPR Art 33(4) allows a
notification in phases: the draft says explicitly which Art 33(3) elements are still unknown, so an
initial notification can go on time and a later one completes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.utils import timezone

from incidentdesk.incidents.models import Incident
from incidentdesk.organisation.models import Organisation

UNKNOWN = "**[Not yet known — to be provided in a later phase]**"

KIND_BY_RULE = {
    "GDPR-33-1-SA": "gdpr_33", "GDPR-33-2-CONTROLLER": "controller", "GDPR-34-1-SUBJECTS": "gdpr_34",
    "AIA-73-2-REPORT": "ai_act_73", "AIA-73-3-REPORT-WIDESPREAD": "ai_act_73", "AIA-73-4-REPORT-DEATH": "ai_act_73",
    "AIA-26-5-INFORM-PROVIDER": "provider_notice", "NIS2-23-4-A-EARLY-WARNING": "nis2_early_warning",
    "NIS2-23-4-B-NOTIFICATION": "nis2_notification", "NIS2-23-4-B-NOTIFICATION-TSP": "nis2_notification",
    "NIS2-23-4-D-FINAL": "nis2_final", "PROC-4-L3-CLIENT": "client_notice", "DORA-19-3-CLIENTS": "client_notice",
    "NIS2-23-1-RECIPIENTS": "client_notice",
}
KINDS = {
    "gdpr_33": "GDPR Art 33 notification to the supervisory authority",
    "gdpr_34": "GDPR Art 34 communication to data subjects",
    "controller": "GDPR Art 33(2) notice to the controller",
    "ai_act_73": "AI Act Art 73 serious incident report",
    "provider_notice": "Deployer's notice to the provider (AI Act Art 26(5))",
    "nis2_early_warning": "NIS2 Art 23(4)(a) early warning",
    "nis2_notification": "NIS2 Art 23(4)(b) incident notification",
    "nis2_final": "NIS2 Art 23(4)(d) final report",
    "client_notice": "Notice to the client",
    "tool_provider": "Incident report to the AI tool provider",
    "authority_report": "Report to an authority",
}


@dataclass
class Draft:
    kind: str
    subject: str
    body: str
    unknown: list[str] = field(default_factory=list)


class _Writer:
    """Collects Markdown lines and the elements still unknown."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.unknown: list[str] = []

    def element(self, title: str, value: str | None, citation: str = "") -> None:
        self.lines.append(f"## {title}" + (f" ({citation})" if citation else ""))
        if value and value.strip():
            self.lines.append(value.strip())
        else:
            self.lines.append(UNKNOWN)
            self.unknown.append(f"{title}" + (f" ({citation})" if citation else ""))
        self.lines.append("")

    def text(self, value: str) -> None:
        self.lines += [value, ""]


def _when(value) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({value.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"


def _people(pd: dict[str, Any]) -> str:
    parts = []
    if pd.get("data_categories"):
        parts.append("Categories of personal data: " + ", ".join(pd["data_categories"]) + ".")
    if pd.get("data_subjects") is not None:
        parts.append(f"Approximate number of data subjects: {pd['data_subjects']}.")
    if pd.get("records") is not None:
        parts.append(f"Approximate number of personal data records: {pd['records']}.")
    return " ".join(parts)


def _measures(incident: Incident) -> str:
    lines = [f"- {timezone.localtime(a.taken_at):%Y-%m-%d %H:%M} {a.get_kind_display()}"
             + (f": {a.description}" if a.description else "") + f" ({a.get_result_display().lower()})"
             for a in incident.containment_actions.all()]
    lines += [f"- Planned ({a.get_kind_display().split(' (')[0].lower()}, due {a.due_on}): {a.description}"
              for a in incident.corrective_actions.all()]
    return "\n".join(lines)


def _nature(incident: Incident) -> str:
    pd = incident.facts.get("personal_data") or {}
    lost = pd.get("lost")
    text = incident.description
    if lost:
        text += f"\n\nType of breach: loss of {', '.join(lost)}."
    return text


def _consequences(incident: Incident) -> str:
    breach = getattr(incident, "breach_assessment", None)
    if breach is None or breach.score is None:
        return ""
    return (f"Assessed severity (ENISA methodology): {breach.score} — {breach.band}.\n\n"
            + "\n".join(f"- {r}" for r in breach.reasons))


def draft(incident: Incident, kind: str, rule_id: str = "") -> Draft:
    """Write the draft of ``kind`` for ``incident`` from what is recorded now."""
    if kind not in KINDS:
        raise ValueError(f"kind: choose one of {', '.join(KINDS)}")
    org = Organisation.current()
    w = _Writer()
    pd = incident.facts.get("personal_data") or {}
    obligation = incident.obligations.filter(rule_id=rule_id).first() if rule_id else None
    w.text(f"**{KINDS[kind]}** · {org.name} · incident {incident.reference} · drafted {_when(timezone.now())}")
    if kind in ("gdpr_33", "controller"):
        w.element("Controller", f"{org.name} ({org.country})")
        w.element("When the breach happened and when we became aware",
                  f"Occurred: {_when(incident.occurred_at) or 'not known'}. Detected: {_when(incident.detected_at)}."
                  f" Aware: {_when(incident.aware_at or incident.detected_at)}.", "Art 33(1)")
        w.element("Nature of the breach, categories and approximate numbers of data subjects and records",
                  _nature(incident) + ("\n\n" + _people(pd) if _people(pd) else ""), "Art 33(3)(a)")
        if not _people(pd):
            w.unknown.append("Categories and approximate numbers of data subjects and records (Art 33(3)(a))")
        w.element("Name and contact details of the DPO or other contact point", org.contact_point, "Art 33(3)(b)")
        w.element("Likely consequences of the breach", _consequences(incident), "Art 33(3)(c)")
        w.element("Measures taken or proposed, including mitigation", _measures(incident), "Art 33(3)(d)")
        if obligation and obligation.due_at and timezone.now() > obligation.due_at:
            w.element("Reasons for the delay", "", "Art 33(1): notification after 72 hours")
        w.text("This notification may be completed in phases (Art 33(4)). Still unknown at the time of writing: "
               + ("; ".join(w.unknown) if w.unknown else "nothing."))
    elif kind == "gdpr_34":
        w.text(f"Dear {incident.affected_parties or 'customer'},")
        w.element("What happened", incident.description)
        w.element("Who you can contact", org.contact_point, "Art 34(2), 33(3)(b)")
        concerned = ", ".join(pd.get("data_categories") or [])
        w.element("What this may mean for you", _consequences(incident)
                  + (f"\n\nThe information concerned: {concerned}." if concerned else ""), "Art 34(2), 33(3)(c)")
        w.element("What we have done and what you can do", _measures(incident), "Art 34(2), 33(3)(d)")
    elif kind == "ai_act_73":
        tools = ", ".join(str(t) for t in incident.tools.all())
        w.element("Provider or deployer submitting the report", f"{org.name} ({org.get_ai_act_role_display()})")
        w.element("AI system concerned", tools)
        w.element("Description of the serious incident", incident.description, "Art 3(49), Art 73(1)")
        harm = {k: v for k, v in (incident.facts.get("harm") or {}).items() if v}
        w.element("Why it is a serious incident", ", ".join(k.replace("_", " ") for k in harm), "Art 3(49)")
        w.element("When the incident occurred and when we became aware",
                  f"Occurred: {_when(incident.occurred_at) or 'not known'}. Aware: "
                  f"{_when(incident.aware_at or incident.detected_at)}.", "Art 73(2)")
        w.element("Causal link between the AI system and the incident", _when(incident.causal_link_established_at)
                  and f"Established {_when(incident.causal_link_established_at)}.", "Art 73(2)")
        w.element("Corrective action taken or planned", _measures(incident), "Art 73(6)")
        w.text("This is an initial report; it may be incomplete and will be completed (Art 73(5)). Still unknown: "
               + ("; ".join(w.unknown) if w.unknown else "nothing."))
    else:
        recipient = obligation.recipient if obligation else ""
        w.element("Recipient", recipient)
        w.element("What happened", incident.description)
        w.element("AI tools involved", ", ".join(str(t) for t in incident.tools.all()))
        w.element("When", f"Detected {_when(incident.detected_at)}.")
        w.element("Severity", f"Level {incident.severity_level}" + ("" if incident.classified_at else " (provisional)"))
        w.element("Measures taken or planned", _measures(incident))
        w.element("Contact", org.contact_point)
        if obligation:
            w.text(f"Required by {obligation.citation}: {obligation.action}.")
    subject = f"{KINDS[kind]} — {incident.reference}: {incident.title}"
    return Draft(kind=kind, subject=subject, body="\n".join(w.lines).strip() + "\n", unknown=w.unknown)
