"""The exercise report: the team against the clocks, in words, with what was revealed and the lessons.

One text of (heading, Markdown) sections for the page, the PDF and the DOCX (``documents`` machinery).
Containment, the clocks and the lessons are the incident report's own sections: an exercise's lessons are
recorded like a real incident's, and read the same.
"""

from __future__ import annotations

from typing import Any

from incidentdesk import times
from incidentdesk.audit import services as audit
from incidentdesk.documents import report as incident_report
from incidentdesk.documents import services as documents
from incidentdesk.documents.markdown import escape
from incidentdesk.obligations.models import ObligationStatus
from incidentdesk.procedure.references import readable

from . import scoring, services
from .models import Exercise

NOTE = ("**EXERCISE — not a real incident.** A rehearsal of the incident procedure (section 9: a yearly "
        "tabletop exercise). Its clocks ran on the exercise's own times: the incident was detected when the "
        "exercise began, and each revealed fact became known when the facilitator revealed it. Nothing was "
        "sent to an authority, a provider or a client.")


def _overview(exercise: Exercise) -> str:
    chosen = services.scenario_of(exercise)
    ended = times.with_utc(exercise.ended_at) if exercise.ended_at else "not ended yet"
    return "\n".join([
        f"- **Scenario:** {escape(chosen.title)} (level {chosen.level})",
        f"- **Rehearses:** {escape(chosen.source)}",
        f"- **Facilitator:** {escape(exercise.facilitator_name)}",
        f"- **Began:** {times.with_utc(exercise.started_at)}",
        f"- **Ended:** {ended}",
        f"- **Incident record:** {exercise.incident.reference}, level {exercise.incident.severity_level} at the end",
        "", escape(chosen.summary)])


def _scores(exercise: Exercise) -> str:
    rows = scoring.score(exercise)
    timed = [r for r in rows if r.met is not None]
    met = sum(1 for r in timed if r.met)
    head = (f"{met} of {len(timed)} deadline{'s' if len(timed) != 1 else ''} met." if timed
            else "No deadline applied to this scenario's facts.")
    return "\n".join([head, ""] + [f"- **{r.measure.title}** ({escape(r.measure.what)}): {escape(r.words)}"
                                   for r in rows])


def _timeline(exercise: Exercise) -> str:
    lines = []
    for step in services.timeline(exercise):
        inject, revealed = step["inject"], step["revealed"]
        when = (f"revealed {times.with_utc(revealed.revealed_at)} by {escape(revealed.revealed_by)}" if revealed
                else "not revealed")
        lines.append(f"- **After {inject.after_minutes} min — {escape(inject.title)}** ({when}): {escape(inject.text)}")
    return "\n".join(lines) or "The scenario has no injects."


def _clocks(exercise: Exercise) -> str:
    """The clocks that applied to the exercise's facts (the incident report lists every rule, for an auditor;
    the team needs only the ones it ran against)."""
    lines = []
    for o in (exercise.incident.obligations.exclude(status=ObligationStatus.NOT_REQUIRED)
              .order_by("due_at", "rule_id")):
        due = f"due {times.with_utc(o.due_at)}" if o.due_at else f"no fixed deadline ({escape(o.deadline)})"
        state = f"done {times.with_utc(o.completed_at)}" if o.completed_at else o.get_status_display().lower()
        lines.append(f"- **{escape(o.action)}** ({escape(readable(o.citation))}): {due}; {state}")
    return "\n".join(lines) or "No clock applied to this scenario's facts."


def sections(exercise: Exercise) -> list[tuple[str, str]]:
    incident = exercise.incident
    with times.pinned():
        return [("EXERCISE", NOTE), ("The exercise", _overview(exercise)),
                ("Against the clocks", _scores(exercise)), ("What was revealed, and when", _timeline(exercise)),
                ("Containment", incident_report.containment(incident)),
                ("The clocks that applied", _clocks(exercise)),
                ("Lessons", incident_report.lessons(incident))]


def title(exercise: Exercise) -> str:
    return f"EXERCISE — Exercise report {exercise.incident.reference}: {exercise.title}"


def export(*, exercise: Exercise, fmt: str, by: Any, via: str) -> bytes:
    """The exercise report as a document, and an audit event saying who took it out."""
    content = documents.document(title(exercise), sections(exercise), fmt)
    audit.record(action="exercise.report_exported", object_type="exercise", object_id=exercise.pk, by=by,
                 incident_ref=exercise.incident.reference, after={"format": fmt, "via": via},
                 summary=f"Exercise report of {exercise.incident.reference} exported as {fmt.upper()}")
    return content
