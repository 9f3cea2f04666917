"""Plan, implement and verify corrective and preventive actions (ISO/IEC 42001 clause 10.2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from incidentdesk import assignment
from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Refused

from .models import ActionKind, ActionStatus, CorrectiveAction


class ActionRefused(Refused):
    """The change is not allowed or the input is invalid; the message says why. Nothing was stored."""


def _log(action: CorrectiveAction, name: str, by: Any, before: dict | None) -> None:
    after = audit.snapshot(action) | {"owner": action.owner_name}
    if before is not None:
        before, after = audit.changed(before, after)
    audit.record(action=f"capa.{name}", object_type="correctiveaction", object_id=action.pk, by=by,
                 incident_ref=action.incident.reference, before=before, after=after)


def plan(*, incident: Incident, description: str, assignee: Any, due_on: date, by: Any,
         kind: str = ActionKind.CORRECTIVE, effectiveness_method: str = "",
         effectiveness_due_on: date | None = None) -> CorrectiveAction:
    ensure_open(incident)
    if kind not in ActionKind.values:
        raise ActionRefused(f"kind: choose one of {', '.join(ActionKind.values)}")
    if not description.strip():
        raise ActionRefused("description: say what will be done")
    if assignee is None:
        raise ActionRefused("assignee: every action needs an owner: choose the person who carries it out")
    assignment.check_person(incident, assignee)
    if effectiveness_due_on and effectiveness_due_on < due_on:
        raise ActionRefused("effectiveness_due_on: the check comes after the action is due")
    with transaction.atomic():
        action = CorrectiveAction.objects.create(
            incident=incident, kind=kind, description=description.strip(), assignee=assignee, due_on=due_on,
            effectiveness_method=effectiveness_method.strip(), effectiveness_due_on=effectiveness_due_on,
            created_by=by if getattr(by, "pk", None) else None)
        _log(action, "planned", by, None)
    return action


def implement(*, action: CorrectiveAction, by: Any, at: datetime | None = None) -> CorrectiveAction:
    ensure_open(action.incident)
    if action.status != ActionStatus.OPEN and action.status != ActionStatus.NOT_EFFECTIVE:
        raise ActionRefused(f"the action is already {action.get_status_display().lower()}")
    before = audit.snapshot(action)
    with transaction.atomic():
        action.status, action.implemented_at = ActionStatus.IMPLEMENTED, at or timezone.now()
        action.save()
        _log(action, "implemented", by, before)
    return action


def verify(*, action: CorrectiveAction, effective: bool, result: str, by: Any,
           method: str = "") -> CorrectiveAction:
    """Record the effectiveness check. Not effective sends it back: a new or revised action is needed."""
    ensure_open(action.incident)
    if action.status != ActionStatus.IMPLEMENTED:
        raise ActionRefused("only an implemented action can be checked for effectiveness")
    if not result.strip():
        raise ActionRefused("effectiveness_result: say what the check found")
    if not (method.strip() or action.effectiveness_method):
        raise ActionRefused("effectiveness_method: say how effectiveness was checked")
    before = audit.snapshot(action)
    with transaction.atomic():
        action.status = ActionStatus.EFFECTIVE if effective else ActionStatus.NOT_EFFECTIVE
        action.effectiveness_result = result.strip()
        action.effectiveness_method = method.strip() or action.effectiveness_method
        action.verified_at = timezone.now()
        action.save()
        _log(action, "verified", by, before)
    return action


def accept(*, action: CorrectiveAction, reason: str, by: Any) -> CorrectiveAction:
    """Close an action without verification: allowed, but only with a written reason, and logged."""
    ensure_open(action.incident)
    if not reason.strip():
        raise ActionRefused("acceptance_reason: accepting an action without verification needs a reason")
    if action.settled:
        raise ActionRefused("the action is already settled")
    before = audit.snapshot(action)
    with transaction.atomic():
        action.status, action.acceptance_reason = ActionStatus.ACCEPTED, reason.strip()
        action.save()
        _log(action, "accepted", by, before)
    return action


def reassign(*, action: CorrectiveAction, assignee: Any, by: Any, due_on: date | None = None) -> CorrectiveAction:
    """Give the action to another person (its owner), and optionally a new due date. Nobody is refused: an
    action always has an owner (ISO/IEC 42001 10.2 asks who is responsible)."""
    ensure_open(action.incident)
    if assignee is None:
        raise ActionRefused("assignee: every action needs an owner: choose the person who carries it out")
    if action.settled:
        raise ActionRefused("the action is already settled; nobody needs to carry it out")
    return assignment.assign(row=action, incident=action.incident, assignee=assignee, by=by,
                             object_type="correctiveaction", what=f"Corrective action '{action.description[:60]}'",
                             due_at=due_on if due_on else assignment.UNCHANGED, due_field="due_on")


def overdue(today: date | None = None) -> QuerySet[CorrectiveAction]:
    """Open actions past their due date and implemented ones past their effectiveness check."""
    from django.db.models import Q

    today = today or timezone.localdate()
    return (CorrectiveAction.objects.filter(
        Q(status=ActionStatus.OPEN, due_on__lt=today)
        | Q(status=ActionStatus.IMPLEMENTED, effectiveness_due_on__lt=today)).select_related("incident", "assignee"))
