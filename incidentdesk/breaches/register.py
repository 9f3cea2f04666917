"""The breach register (GDPR Art 33(5)): every personal data breach, notified or not, as a supervisory
authority asks to see it.

Art 33(5): "The controller shall document any personal data breaches, comprising the facts relating to the
personal data breach, its effects and the remedial action taken." Each entry therefore holds the facts (when,
what, which categories of data, roughly how many people and records), the effects, the remedial action (the
containment and corrective actions), the recommendation and the person's decision with its reasons and who
took it, the notifications with their references, and who among the people affected was informed (Art 34).

Nothing here is stored: an entry is read from the incident and what hangs off it, so the register can never
disagree with the incident. Every query goes through ``visible_to(user)``: a restricted incident is in the
register only for the people named on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from incidentdesk import times
from incidentdesk.notifications.models import Notification

from .models import BreachAssessment, SubjectCommunication


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    time: bool = False
    number: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("reference", "Incident"),
    Column("title", "Title"),
    Column("status", "Status of the incident"),
    Column("personal_data", "Personal data involved"),
    Column("occurred_at", "Breach occurred", time=True),
    Column("detected_at", "Detected", time=True),
    Column("aware_at", "Became aware (Art 33(1) clock)", time=True),
    Column("what_happened", "What happened"),
    Column("data_categories", "Categories of personal data"),
    Column("security_lost", "What was lost (confidentiality, integrity, availability)"),
    Column("people", "People affected (approximate)", number=True),
    Column("records", "Records affected (approximate)", number=True),
    Column("effects", "Effects and the people affected"),
    Column("remedial_action", "Remedial action taken"),
    Column("recommendation", "Recommendation"),
    Column("recommendation_reasons", "Why it was recommended"),
    Column("decision", "Decision"),
    Column("decision_reasons", "Reasons for the decision"),
    Column("decided_by", "Decided by"),
    Column("decided_at", "Decided", time=True),
    Column("notifications", "Notifications sent (when, to whom, reference)"),
    Column("first_authority_notification", "Supervisory authority first notified", time=True),
    Column("authority_reference", "Supervisory authority's reference"),
    Column("authority_deadline", "Art 33(1) deadline (72 hours) met"),
    Column("people_informed", "People informed (Art 34)"),
    Column("people_informed_count", "Number of people informed", number=True),
)

_TRI = {True: "Yes", False: "No", None: "Not yet established"}


def _yes_no(value: bool | None, yes: str, no: str, unknown: str) -> str:
    return yes if value is True else no if value is False else unknown


def recommendation_text(row: BreachAssessment) -> str:
    """The recommendation in words: what to do about the authority and about the people affected."""
    text = "; ".join([
        _yes_no(row.recommend_notify_authority, "notify the supervisory authority (Art 33)",
                "no need to notify the supervisory authority", "authority: not enough facts to say"),
        _yes_no(row.recommend_communicate_subjects, "inform the people affected (Art 34)",
                "no need to inform the people affected", "people affected: not enough facts to say")])
    return text[:1].upper() + text[1:]


def decision_text(row: BreachAssessment) -> str:
    """The person's decision in words, or that none has been taken."""
    if row.decided_at is None:
        return "Not decided yet"
    return "; ".join([
        "Notify the supervisory authority" if row.decided_notify_authority else "Do not notify the authority",
        "inform the people affected" if row.decided_communicate_subjects else "do not inform the people affected"])


def decided_by(row: BreachAssessment) -> str:
    user = row.decided_by
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def data_categories(incident: Any) -> list[str]:
    """The categories of personal data, in plain words: one answer, kept in the facts (``Incident.data_classes``)."""
    return incident.data_class_labels


def notification_line(n: Notification) -> str:
    what = f" ({n.obligation.citation})" if n.obligation_id and n.obligation else ""
    ref = f", reference {n.reference}" if n.reference else ", no reference given"
    return f"{times.with_utc(n.sent_at)} to {n.recipient}{what} by {n.get_channel_display().lower()}{ref}"


def communication_line(c: SubjectCommunication) -> str:
    count = f" ({c.people} people)" if c.people else ""
    return (f"{times.with_utc(c.informed_at)}: {c.recipients}{count}, by {c.get_channel_display().lower()}, "
            f"informed by {c.informed_by}" + (f" — {c.note}" if c.note else ""))


def remedial_lines(incident: Any) -> list[str]:
    lines = [f"{times.with_utc(a.taken_at)} {a.get_kind_display()}" + (f": {a.description}" if a.description else "")
             + f" ({a.get_result_display().lower()})" for a in incident.containment_actions.all()]
    lines += [f"{a.get_kind_display().split(' (')[0]}: {a.description} ({a.get_status_display().lower()})"
              for a in incident.corrective_actions.all()]
    return lines


def _authority_clock(incident: Any) -> Any:
    return next((o for o in incident.obligations.all() if o.rule_id == "GDPR-33-1-SA"), None)


def first_notified(incident: Any, authority: list[Notification]) -> datetime | None:
    """When the supervisory authority was first notified: the first notice recorded, or the time the Art 33(1)
    clock was settled (by hand, e.g. through the authority's web portal, where no notice is recorded here)."""
    clock = _authority_clock(incident)
    settled = clock.completed_at if clock is not None and clock.status == "done" else None
    return min([n.sent_at for n in authority] + ([settled] if settled else []), default=None)


def deadline_text(incident: Any, first: datetime | None) -> str:
    """Whether the authority was notified within Art 33(1)'s 72 hours, in words.

    Judged against the 72 hours themselves (the clock's due time), as the drafts are when they ask for the reasons
    for a delay: one answer everywhere. The later legal latest under Reg. 1182/71 is our reading, not a target.
    """
    clock = _authority_clock(incident)
    if clock is None or clock.status == "not_required":
        return "Not required" if clock is not None else "No Art 33(1) clock"
    limit = clock.due_at or clock.legal_latest_at
    if first is None:
        return "Not notified yet" + (f"; due {times.with_utc(clock.due_at)}" if clock.due_at else "")
    if limit is None or first <= limit:
        return "Yes"
    minutes = math.ceil((first - limit).total_seconds() / 60)
    late = f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
    return f"No: {late} late (Art 33(1) asks for the reasons for the delay)"


def _authority_notifications(incident: Any) -> list[Notification]:
    """Notices to the supervisory authority only (Art 33(1)), not a processor's notice to its controller."""
    return [n for n in incident.notifications.all() if n.obligation_id and n.obligation.rule_id == "GDPR-33-1-SA"]


def entry(row: BreachAssessment) -> dict[str, Any]:
    """One breach as the register shows it: text, numbers and (aware) times, keyed by ``COLUMNS``."""
    incident = row.incident
    personal = (incident.facts or {}).get("personal_data") or {}
    notifications = list(incident.notifications.all())
    authority = _authority_notifications(incident)
    first = first_notified(incident, authority)
    informed = list(incident.subject_communications.all())
    return {
        "reference": incident.reference, "title": incident.title, "status": incident.get_status_display(),
        "personal_data": _TRI[personal.get("involved")],
        "occurred_at": incident.occurred_at, "detected_at": incident.detected_at, "aware_at": incident.aware_at,
        "what_happened": incident.description,
        "data_categories": ", ".join(data_categories(incident)) or "Not yet known",
        "security_lost": ", ".join(personal.get("lost") or []) or "Not yet known",
        "people": personal.get("data_subjects"), "records": personal.get("records"),
        "effects": incident.affected_parties or "Not yet described",
        "remedial_action": "\n".join(remedial_lines(incident)) or "None recorded yet",
        "recommendation": recommendation_text(row), "recommendation_reasons": "\n".join(row.reasons),
        "decision": decision_text(row), "decision_reasons": row.decision_reasons, "decided_by": decided_by(row),
        "decided_at": row.decided_at,
        "notifications": "\n".join(notification_line(n) for n in notifications) or "None sent",
        "first_authority_notification": first,
        "authority_reference": ", ".join(n.reference for n in authority if n.reference),
        "authority_deadline": deadline_text(incident, first),
        "people_informed": "\n".join(communication_line(c) for c in informed) or "Nobody recorded as informed",
        "people_informed_count": sum(c.people or 0 for c in informed) or None,
    }


def breaches(user: Any) -> QuerySet[BreachAssessment]:
    """Every breach this person may see, newest detection first, with what the entries read prefetched."""
    return (BreachAssessment.objects.visible_to(user).real()
            .select_related("incident", "decided_by")
            .prefetch_related("incident__containment_actions", "incident__corrective_actions", "incident__obligations",
                              Prefetch("incident__notifications",
                                       queryset=Notification.objects.select_related("obligation").order_by("sent_at")),
                              "incident__subject_communications")
            .order_by("-incident__detected_at"))


def entries(user: Any) -> list[dict[str, Any]]:
    """Every entry this person may see (the organisation's zone read once for all of them)."""
    with times.pinned():
        return [entry(row) for row in breaches(user)]


def text(value: Any) -> str:
    """A value of an entry as text for a page, a CSV cell or a PDF: times in the organisation's zone, UTC beside."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return times.with_utc(value)
    return str(value)
