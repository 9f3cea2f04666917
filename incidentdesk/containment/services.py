"""Record containment actions; the first effective one lets the incident move to "contained".

A containment action also settles the internal obligations it fulfils, in the same transaction
(``obligations.services.after_containment``): "correct content" with result effective corrects the
publication (PROC-4-L2-CORRECT), and the first effective or partly effective action is the level 3
and 4 immediate containment (PROC-4-L3-CONTAIN).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk import assignment
from incidentdesk.assessment.facts import FUTURE_SKEW
from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.obligations import services as obligations
from incidentdesk.refusals import Refused

from .models import ContainmentAction, ContainmentKind, ContainmentResult


class ContainmentRefused(Refused):
    """Bad input for a containment action; nothing was stored."""


def contain(*, incident: Incident, kind: str, taken_at: datetime, taken_by: str, by: Any, description: str = "",
            result: str = ContainmentResult.PENDING, now: datetime | None = None) -> ContainmentAction:
    ensure_open(incident)
    now = now or timezone.now()
    if kind not in ContainmentKind.values:
        raise ContainmentRefused(f"kind: choose one of {', '.join(ContainmentKind.values)}")
    if kind == ContainmentKind.OTHER and not description.strip():
        raise ContainmentRefused("description: say what was done")
    if result not in ContainmentResult.values:
        raise ContainmentRefused(f"result: choose one of {', '.join(ContainmentResult.values)}")
    if taken_at > now + FUTURE_SKEW:
        raise ContainmentRefused("taken_at: lies in the future")
    if taken_at < incident.detected_at - timedelta(days=365):
        raise ContainmentRefused("taken_at: more than a year before detection; check the date")
    if not taken_by.strip():
        raise ContainmentRefused("taken_by: who did it")
    with transaction.atomic():
        action = ContainmentAction.objects.create(
            incident=incident, kind=kind, description=description.strip(), taken_at=taken_at,
            taken_by=taken_by.strip(), result=result, recorded_by=by if getattr(by, "pk", None) else None)
        audit.record(action="containment.added", object_type="containmentaction", object_id=action.pk, by=by,
                     incident_ref=incident.reference, after=audit.snapshot(action))
        obligations.after_containment(action=action, by=by, now=now)
    return action



def assign(*, action: ContainmentAction, assignee: Any, by: Any,
           due_at: datetime | None = assignment.UNCHANGED) -> ContainmentAction:
    """Give the follow-up of an action (finding out and recording its result) to a person, by a time."""
    return assignment.assign(row=action, incident=action.incident, assignee=assignee, due_at=due_at, by=by,
                             object_type="containmentaction",
                             what=f"Containment action '{action.get_kind_display()}'")


def record_result(*, action: ContainmentAction, result: str, by: Any, now: datetime | None = None) -> ContainmentAction:
    """The result of an action once it is known (a pending action is its assignee's task until then). An
    effective result settles what the act settles, as when it is recorded with the action."""
    ensure_open(action.incident)
    if result not in ContainmentResult.values:
        raise ContainmentRefused(f"result: choose one of {', '.join(ContainmentResult.values)}")
    if result == action.result:
        return action
    before = {"result": action.result}
    with transaction.atomic():
        action.result = result
        action.save(update_fields=["result"])
        audit.record(action="containment.result", object_type="containmentaction", object_id=action.pk, by=by,
                     incident_ref=action.incident.reference, before=before, after={"result": result},
                     summary=f"Result of '{action.get_kind_display()}': {action.get_result_display()}")
        obligations.after_containment(action=action, by=by, now=now or timezone.now())
    return action
