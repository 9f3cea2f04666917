"""The incident's lifecycle: detected → contained → classified → (notified) → investigating → resolved → closed.

Moving forward is allowed when the target state's conditions hold (they accumulate: closing needs
everything resolving needs, and more). Moving back is a reopen: only from resolved or closed, with
a reason. Every transition is an audit event. A refusal lists every condition not met.
The conditions are ``progress.conditions``, the same ones the checklist shows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Conflict

from . import progress
from .models import Incident, Status

ORDER = [Status.DETECTED, Status.CONTAINED, Status.CLASSIFIED, Status.NOTIFIED, Status.INVESTIGATING,
         Status.RESOLVED, Status.CLOSED]


class TransitionRefused(Conflict):
    """The transition's conditions are not met; the message lists them. Nothing changed."""


def complaints(incident: Incident, target: str,
               computed: list[progress.Condition] | None = None) -> list[progress.Condition]:
    """Every condition ``target`` needs that is not met, each naming its step (``progress.REQUIRED``)."""
    return progress.unmet(incident, target, computed=computed)


def unmet(incident: Incident, target: str, computed: list[progress.Condition] | None = None) -> list[str]:
    """Every condition for ``target`` that the incident does not meet yet (empty: the move is allowed)."""
    return list(dict.fromkeys(c.message for c in complaints(incident, target, computed)))


def transition(*, incident: Incident, to: str, by: Any, reason: str = "") -> Incident:
    if to not in ORDER:
        raise TransitionRefused(f"status: choose one of {', '.join(ORDER)}")
    current, target = ORDER.index(incident.status), ORDER.index(to)
    if target == current:
        raise TransitionRefused(f"the incident is already {incident.get_status_display().lower()}")
    reopening = target < current
    if reopening:
        if incident.status not in (Status.RESOLVED, Status.CLOSED) or to != Status.INVESTIGATING:
            raise TransitionRefused("going back is a reopen: only from resolved or closed, to investigating")
        if not reason.strip():
            raise TransitionRefused("reason: a reopen needs a reason")
    else:
        problems = unmet(incident, to)
        if problems:
            raise TransitionRefused(f"cannot move to {to}: " + "; ".join(problems))
    with transaction.atomic():
        before = incident.status
        incident.status = to
        incident.save(update_fields=["status", "updated_at"])
        audit.record(action="incident.reopened" if reopening else "incident.transition", object_type="incident",
                     object_id=incident.pk, by=by, incident_ref=incident.reference,
                     before={"status": before}, after={"status": to, "reason": reason.strip()})
        if to == Status.CLOSED:
            for hook in settings.INCIDENT_CLOSED_HOOKS:  # in this transaction: closed with its follow-ups, or not
                import_string(hook)(incident=incident, by=by)
    return incident
