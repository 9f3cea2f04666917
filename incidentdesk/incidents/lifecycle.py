"""The incident's lifecycle: detected → contained → classified → (notified) → investigating → resolved → closed.

Moving forward is allowed when the target state's conditions hold (they accumulate: closing needs
everything resolving needs, and more). Moving back is a reopen: only from resolved or closed, with
a reason. Every transition is an audit event. A refusal lists every condition not met.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Conflict

from .models import Incident, Status

ORDER = [Status.DETECTED, Status.CONTAINED, Status.CLASSIFIED, Status.NOTIFIED, Status.INVESTIGATING,
         Status.RESOLVED, Status.CLOSED]


class TransitionRefused(Conflict):
    """The transition's conditions are not met; the message lists them. Nothing changed."""


def _open_obligations(incident: Incident, *, legal_only: bool, include_may_apply: bool) -> list[str]:
    now = timezone.now()
    states = ("pending", "may_apply") if include_may_apply else ("pending",)
    rows = incident.obligations.filter(status__in=states)
    if legal_only:
        rows = rows.exclude(regime="internal")
    return [f"{o.action} ({o.citation}){' — facts to establish' if o.status == 'may_apply' else ''}"
            + (" — overdue" if o.due_at and o.due_at < now and o.status == "pending" else "") for o in rows]


def unmet(incident: Incident, target: str) -> list[str]:
    """Every condition for ``target`` that the incident does not meet yet (empty: the move is allowed)."""
    problems: list[str] = []
    rank = ORDER.index(target)
    contained = incident.containment_actions.exists() or incident.actions.exists()
    if target in (Status.CONTAINED, Status.NOTIFIED, Status.RESOLVED, Status.CLOSED) and not contained:
        problems.append("record at least one containment action (step 2: contain)")
    if rank >= ORDER.index(Status.CLASSIFIED) and incident.classified_at is None:
        problems.append("classify the incident definitively with written reasoning (step 3)")
    if target == Status.NOTIFIED:
        if not incident.notifications.exists():
            problems.append("no notification has been sent")
        problems += [f"still due: {o}" for o in _open_obligations(incident, legal_only=True, include_may_apply=False)]
    if rank >= ORDER.index(Status.RESOLVED):
        rca = getattr(incident, "rca", None)
        if incident.severity_level >= 2 and (rca is None or rca.completed_at is None):
            problems.append(f"complete the root-cause analysis (level {incident.severity_level}: seed §6 step 5)")
        problems += [f"still due: {o}" for o in _open_obligations(incident, legal_only=True, include_may_apply=False)]
    if target == Status.CLOSED:
        unsettled = [a for a in incident.corrective_actions.all() if not a.settled]
        problems += [f"corrective action not verified effective or accepted: {a.description[:60]}" for a in unsettled]
        problems += [f"not settled: {o}" for o in _open_obligations(incident, legal_only=False, include_may_apply=True)
                     if f"still due: {o}" not in problems]
    return list(dict.fromkeys(problems))


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
    return incident
