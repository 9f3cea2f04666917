"""Settle obligations: by the act that fulfils them, or by hand with a reason. Then reassess.

An obligation is *done* when its row has a ``completed_at``; the assessment core reads these times as
its ``completed`` map (``incidents.facts.facts_for``), so a settled clock stops counting and later
stages start from it. Two ways to get there:

- **by the act**: the act that fulfils it completes it, in the same transaction as the act itself
  (a notification sent, the root-cause analysis completed, the GDPR decision, a containment action,
  a tool added to the inventory). Settling by the act is idempotent: an obligation already done,
  not required or absent is left alone.
- **by hand**: a person with the classify capability settles it with a written reason
  ("not applicable because …"); the reason is stored on the obligation and in the audit log.

Storage without reassessment lives in ``obligations.store``; this module imports
``incidents.services`` (for ``reassess``) and nothing there imports this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from incidentdesk import assignment
from incidentdesk.assessment.facts import FUTURE_SKEW, Category
from incidentdesk.audit import services as audit
from incidentdesk.containment.models import ContainmentAction
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident, IncidentTool, Status
from incidentdesk.inventory.models import AITool
from incidentdesk.organisation.models import Organisation
from incidentdesk.refusals import Conflict, NotFound, Refused

from .acts import CONTAIN_RULE, CORRECT_RULE, GDPR_ASSESSMENT_RULE, INVENTORY_RULE, RCA_RULE, fulfils
from .models import Obligation, ObligationStatus, Settlement

__all__ = ["CONTAIN_RULE", "CORRECT_RULE", "GDPR_ASSESSMENT_RULE", "INVENTORY_RULE", "RCA_RULE", "AlreadySettled",
           "NoSuchObligation", "SettleRefused", "after_containment", "after_tool_changed", "after_tool_saved",
           "complete_obligation", "obligation_of", "settle", "settle_by_act"]

class SettleRefused(Refused):
    """The obligation cannot be settled as asked; nothing was stored."""


class AlreadySettled(Conflict):
    """The obligation is already done, or is not required: there is nothing to settle."""


class NoSuchObligation(NotFound):
    """The incident has no obligation with that rule id."""


def _by(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def obligation_of(incident: Incident, rule_id: str) -> Obligation:
    """The incident's obligation for ``rule_id`` (case-insensitive), or a plain 404."""
    row = incident.obligations.filter(rule_id__iexact=(rule_id or "").strip()).first()
    if row is None:
        raise NoSuchObligation(f"{incident.reference} has no obligation {rule_id!r}; the clocks list shows "
                               "each one's rule id")
    return row


def _mark_done(row: Obligation, *, at: datetime, by: Any, settlement: str, reason: str, action: str) -> None:
    """Write the completion and its audit event; the caller reassesses. Inside a transaction."""
    before = {"status": row.status, "completed_at": row.completed_at, "settlement": row.settlement}
    row.completed_at, row.completed_by = at, _by(by)
    row.settlement, row.settled_reason = settlement, reason
    row.save(update_fields=["completed_at", "completed_by", "settlement", "settled_reason", "updated_at"])
    audit.record(action=action, object_type="obligation", object_id=row.pk, by=by,
                 incident_ref=row.incident.reference, before=before,
                 after={"rule_id": row.rule_id, "completed_at": at, "settlement": settlement, "reason": reason})


def complete_obligation(*, incident: Incident, rule_id: str, at: datetime, by: Any, now: datetime | None = None,
                        how: str = "") -> None:
    """Mark an obligation done at ``at`` by the act that fulfils it (``how`` names the act), then reassess.

    Later stages start their clocks from it (``completed:RULE`` clock starts).
    """
    ensure_open(incident)
    now = now or timezone.now()
    # Refusals keep the contract callers had when this lived in incidents.services (IncidentRefused).
    row = incident.obligations.filter(rule_id=rule_id).first()
    if row is None:
        raise incidents.IncidentRefused(f"{incident.reference} has no obligation {rule_id!r}")
    if row.status == ObligationStatus.NOT_REQUIRED:
        raise incidents.IncidentRefused(f"{rule_id} is not required for {incident.reference}: "
                                        f"{row.reasons[-1] if row.reasons else 'its conditions do not hold'}")
    if at > now + FUTURE_SKEW:
        raise incidents.IncidentRefused("the completion time lies in the future")
    with transaction.atomic():
        _mark_done(row, at=at, by=by, settlement=Settlement.BY_ACT, reason=how.strip(),
                   action="obligation.completed")
        incidents.reassess(incident=incident, by=by, now=now)


def settle_by_act(*, incident: Incident, rule_id: str, at: datetime, by: Any, how: str,
                  now: datetime | None = None) -> bool:
    """Complete ``rule_id`` if it is still open; return whether it was. Safe to call twice (idempotent)."""
    row = incident.obligations.filter(rule_id=rule_id).first()
    if row is None or row.completed_at is not None or row.status == ObligationStatus.NOT_REQUIRED:
        return False
    complete_obligation(incident=incident, rule_id=rule_id, at=at, by=by, now=now, how=how)
    return True


def settle(*, obligation: Obligation, reason: str, by: Any, at: datetime | None = None,
           now: datetime | None = None) -> Obligation:
    """Settle an obligation by hand, with a person's written reason ("not applicable because …").

    The obligation becomes done at ``at`` (default: now), so the assessment core treats it as done;
    the reason is stored on it and in the audit log. Refused, with nothing stored: an empty reason,
    a time in the future, an obligation that is not required or already done, a closed incident.
    """
    incident = obligation.incident
    ensure_open(incident)
    now = now or timezone.now()
    at = at or now
    row = Obligation.objects.select_related("incident").get(pk=obligation.pk)  # the stored state, not a copy
    reason = (reason or "").strip()
    if not reason:
        raise SettleRefused("reason: say why this obligation is settled, e.g. \"not applicable because the "
                            "post was never published\"")
    if row.status == ObligationStatus.NOT_REQUIRED:
        raise AlreadySettled(f"{row.rule_id} is not required for {incident.reference}, so there is nothing to "
                             "settle")
    if row.completed_at is not None or row.status == ObligationStatus.DONE:
        when = (f" on {row.completed_at.astimezone(ZoneInfo(Organisation.current().time_zone)):%Y-%m-%d %H:%M}"
                if row.completed_at else "")
        raise AlreadySettled(f"{row.rule_id} is already done{when}; there is nothing left to settle")
    if at > now + FUTURE_SKEW:
        raise SettleRefused("at: lies in the future; give the time it was settled")
    with transaction.atomic():
        _mark_done(row, at=at, by=by, settlement=Settlement.BY_HAND, reason=reason, action="obligation.settled")
        incidents.reassess(incident=incident, by=by, now=now)
    obligation.refresh_from_db()
    return obligation


def after_containment(*, action: ContainmentAction, by: Any, now: datetime | None = None) -> list[str]:
    """The internal obligations a containment action fulfils; returns the rule ids it settled.

    - "correct content" with result effective corrects the publication (level 2, 48 hours);
    - the first action that is effective or partly effective is the immediate containment (levels 3, 4).
    """
    incident, settled = action.incident, []
    how = (f"Containment action: {action.get_kind_display()} ({action.get_result_display().lower()}), "
           f"by {action.taken_by}")
    for rule_id in fulfils(action.kind, action.result):
        if settle_by_act(incident=incident, rule_id=rule_id, at=action.taken_at, by=by, how=how, now=now):
            settled.append(rule_id)
    return settled


def after_tool_saved(*, tool: AITool, by: Any, now: datetime | None = None) -> list[str]:
    """A tool now in the inventory: link every open incident that named it, and settle "update the inventory".

    Each open incident whose tool outside the inventory has this name (ignoring case) is linked to the
    tool and keeps the category "use outside the inventory" (what happened does not change because the
    inventory caught up, so its level holds); it is reassessed and its PROC-4-L2-INVENTORY clock is done
    now. Returns the references of the incidents linked.
    """
    now = now or timezone.now()
    links = (IncidentTool.objects.filter(tool__isnull=True, name__iexact=tool.name.strip())
             .exclude(incident__status=Status.CLOSED).select_related("incident").order_by("incident_id"))
    linked = []
    for link in links:
        incident = link.incident
        before = {"tools": [str(t) for t in incident.tools.all()], "categories": list(incident.categories)}
        link.tool = tool
        if not incident.tools.filter(name=tool.name).exclude(pk=link.pk).exists():
            link.name = tool.name
        link.save(update_fields=["tool", "name"])
        if Category.OUTSIDE_INVENTORY.value not in incident.categories:
            incident.categories = [*incident.categories, Category.OUTSIDE_INVENTORY.value]
            incident.save(update_fields=["categories", "updated_at"])
        audit.record(action="incident.tool_linked", object_type="incident", object_id=incident.pk, by=by,
                     incident_ref=incident.reference, before=before,
                     after={"tools": [str(t) for t in incident.tools.all()], "categories": list(incident.categories)},
                     summary=f"{tool.name} is now in the AI tool inventory")
        incidents.reassess(incident=incident, by=by, now=now)
        settle_by_act(incident=incident, rule_id=INVENTORY_RULE, at=now, by=by, now=now,
                      how=f"{tool.name} added to the AI tool inventory")
        linked.append(incident.reference)
    return linked


def after_tool_changed(*, tool: AITool, by: Any, skip: set[str] | None = None,
                       now: datetime | None = None) -> list[str]:
    """A tool's facts changed: recompute the clocks of every open incident that names it (audited as usual).

    ``skip``: references already reassessed by ``after_tool_saved``. Returns the references recomputed.
    """
    now = now or timezone.now()
    done = []
    links = (IncidentTool.objects.filter(tool=tool).exclude(incident__status=Status.CLOSED)
             .select_related("incident").order_by("incident_id"))
    for incident in {link.incident.pk: link.incident for link in links}.values():
        if incident.reference in (skip or set()):
            continue
        incidents.reassess(incident=incident, by=by, now=now)
        done.append(incident.reference)
    return done


def assign(*, obligation: Obligation, assignee: Any, by: Any) -> Obligation:
    """Give a clock to the person who meets it. Its due time is the law's (or the procedure's), never set here."""
    ensure_open(obligation.incident)
    if obligation.status in (ObligationStatus.DONE, ObligationStatus.NOT_REQUIRED):
        raise AlreadySettled(f"{obligation.rule_id} is {obligation.get_status_display().lower()}; "
                                "there is nothing left to do")
    return assignment.assign(row=obligation, incident=obligation.incident, assignee=assignee, by=by,
                             object_type="obligation", what=f"Clock '{obligation.action[:80]}'", due_field=None)
