"""The register's seed §8 texts that other steps own, derived from their records (read-only).

Seed §8 asks the register for "actions taken and dates", "outcome of the root-cause analysis" and
"changes to policy, inventory or procedure". They are not stored on the incident: the containment
actions, the completed root-cause analysis and the accepted lessons (with their change-log lines)
are the one record of each, and these functions write the register's text from them. The register
export, the incident report, the CLI and the API all use these functions.
"""

from __future__ import annotations

from incidentdesk import times
from incidentdesk.lessons.models import LessonStatus

from .models import Incident


def _when(value) -> str:
    """In the organisation's time zone with UTC beside it, in the web, the CLI and the API alike."""
    return times.with_utc(value)


def action_lines(incident: Incident) -> list[str]:
    """One line per containment action: when, what, who did it, result."""
    return [f"{_when(a.taken_at)} {a.get_kind_display()}" + (f": {a.description}" if a.description else "")
            + f" (by {a.taken_by}; {a.get_result_display().lower()})" for a in incident.containment_actions.all()]


def actions_taken(incident: Incident) -> str:
    """Seed §8 "actions taken and dates": the containment actions."""
    return "\n".join(action_lines(incident))


def rca_outcome(incident: Incident) -> str:
    """Seed §8 "outcome of the root-cause analysis": why it happened and what changes, once completed.

    A draft analysis is not an outcome: the text stays empty until the analysis is completed.
    """
    rca = getattr(incident, "rca", None)
    if rca is None or rca.completed_at is None:
        return ""
    return f"Why: {rca.why}\nWhat changes: {rca.what_changes}"


def change_lines(incident: Incident) -> list[str]:
    """One line per accepted lesson: its document and the change-log line written when it was accepted."""
    lines = []
    for lesson in incident.lessons.all():  # .all(): uses the register export's prefetch
        if lesson.status != LessonStatus.ACCEPTED:
            continue
        changes = list(lesson.changes.all())
        if changes:
            lines += [f"{c.get_document_display()}: {c.summary}" for c in changes]
        else:
            lines.append(f"{lesson.get_target_display()}: {lesson.text}")
    return lines


def resulting_changes(incident: Incident) -> str:
    """Seed §8 "changes to policy, inventory or procedure": the accepted lessons' change-log lines."""
    return "\n".join(change_lines(incident))


def texts(incident: Incident) -> dict[str, str]:
    """All three, by the register's column names."""
    return {"actions_taken": actions_taken(incident), "rca_outcome": rca_outcome(incident),
            "resulting_changes": resulting_changes(incident)}
