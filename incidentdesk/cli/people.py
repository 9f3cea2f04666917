"""``incidentdesk assign`` and ``incidentdesk my-work``: who runs an incident, who does each task, and what is mine.

Thin: it finds the row the command names (through the access policy) and calls the same services as the
workspace and the API, so the refusals are the same words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from incidentdesk import assignment
from incidentdesk.capa import services as capa
from incidentdesk.capa.models import CorrectiveAction
from incidentdesk.containment import services as containment
from incidentdesk.containment.models import ContainmentAction
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.models import Incident
from incidentdesk.lessons import services as lessons
from incidentdesk.lessons.models import Lesson
from incidentdesk.notifications import services as notifications
from incidentdesk.notifications.models import NotificationDraft
from incidentdesk.obligations import services as obligations
from incidentdesk.refusals import NotFound, Refused

TASKS = ("containment", "clock", "action", "lesson", "draft")


def _row(model: Any, pk: str, incident: Incident, by: Any, what: str) -> Any:
    row = model.objects.visible_to(by).filter(incident=incident, pk=int(pk) if pk.isdigit() else -1).first()
    if row is None:
        raise NotFound(f"{incident.reference} has no {what} {pk} (the workspace and the API list their numbers)")
    return row


def assign_task(*, incident: Incident, task: str, key: str, person: Any, by: Any, due: datetime | None,
                due_on: date | None) -> str:
    """(Re)assign one task of ``incident``; returns what was done, in words."""
    if task == "containment":
        row = _row(ContainmentAction, key, incident, by, "containment action")
        containment.assign(action=row, assignee=person, due_at=due if due else assignment.UNCHANGED, by=by)
    elif task == "clock":
        obligations.assign(obligation=obligations.obligation_of(incident, key), assignee=person, by=by)
    elif task == "action":
        capa.reassign(action=_row(CorrectiveAction, key, incident, by, "corrective action"), assignee=person,
                      due_on=due_on, by=by)
    elif task == "lesson":
        lessons.assign(lesson=_row(Lesson, key, incident, by, "lesson"), assignee=person,
                       due_at=due if due else assignment.UNCHANGED, by=by)
    elif task == "draft":
        notifications.assign_review(draft=_row(NotificationDraft, key, incident, by, "draft"), assignee=person,
                                    due_at=due if due else assignment.UNCHANGED, by=by)
    else:
        raise Refused(f"task: choose one of {', '.join(TASKS)}")
    who = assignment.name_of(person) or "no one"
    return f"{task} {key} of {incident.reference} is now assigned to {who}."


def assign_owner(*, incident: Incident, person: Any, by: Any) -> str:
    incidents.set_owner(incident=incident, owner=person, by=by)
    return f"{incident.reference} is now owned by {assignment.name_of(person) or 'no one'}."


__all__ = ["TASKS", "assign_owner", "assign_task"]
