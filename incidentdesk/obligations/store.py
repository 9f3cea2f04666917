"""Low-level storage of obligations: persist the assessment core's outcomes and answer 'what is due'.

The core decides; this module persists, and writes one audit event per sync listing exactly which
obligations changed (status, due time, applicability), so a change of clocks is never silent.

It imports no service: ``incidents.services.reassess`` calls it. Settling an obligation (by the act
that fulfils it, or by hand with a reason) reassesses the incident, so it lives in
``obligations.services``, which imports ``incidents.services`` and never the other way round.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from incidentdesk.assessment.obligations import Obligation as Outcome
from incidentdesk.assessment.rulebook import ObligationRule
from incidentdesk.audit import services as audit
from incidentdesk.incidents import regimes
from incidentdesk.incidents.models import Incident

from .models import Obligation, ObligationStatus, RuleSnapshot, Settlement

TRACKED = ("status", "applies", "clock_start_at", "due_at", "legal_latest_at", "rule_version")


def stored_rules(incident: Incident) -> list[ObligationRule] | None:
    """The rule terms the incident's obligations were created with, or None before the first sync."""
    terms = [o.snapshot.terms for o in incident.obligations.select_related("snapshot")]
    return [ObligationRule.model_validate(t) for t in terms] if terms else None


def snapshots_for(rules: list[ObligationRule]) -> dict[str, RuleSnapshot]:
    """Rule id -> the stored, shared snapshot of that exact rule version (created on first use)."""
    terms = {rule.id: rule.model_dump(mode="json") for rule in rules}
    digests = {rule_id: hashlib.sha256(audit.canonical(t).encode()).hexdigest() for rule_id, t in terms.items()}
    found = {s.digest: s for s in RuleSnapshot.objects.filter(digest__in=digests.values())}
    missing = {digests[rule.id]: RuleSnapshot(rule_id=rule.id, version=rule.version, digest=digests[rule.id],
                                              terms=terms[rule.id]) for rule in rules if digests[rule.id] not in found}
    if missing:  # the first use of these rule versions: one insert, not one per rule (decision 227)
        RuleSnapshot.objects.bulk_create(missing.values(), ignore_conflicts=True)  # or made meanwhile elsewhere
        found |= {s.digest: s for s in RuleSnapshot.objects.filter(digest__in=missing)}
    return {rule_id: found[digest] for rule_id, digest in digests.items()}


def _fields(outcome: Outcome) -> dict[str, Any]:
    status = ObligationStatus.PENDING if outcome.status == "overdue" else outcome.status
    return {
        "rule_version": outcome.rule_version, "regime": outcome.regime, "action": outcome.action,
        "recipient": outcome.recipient, "citation": outcome.citation, "deadline": outcome.deadline,
        "clock_start_event": outcome.clock_start_event, "clock_start_at": outcome.clock_start,
        "due_at": outcome.due_at, "legal_latest_at": outcome.legal_latest, "status": status,
        "applies": outcome.applies, "reasons": outcome.reasons,
        "completed_at": outcome.completed_at,
    }


def apply_outcomes(*, incident: Incident, outcomes: list[Outcome], rules: list[ObligationRule], by: Any,
                   reevaluated: bool = False, new: bool = False) -> int:
    """Create or update one row per outcome; return how many changed. Call inside a transaction.

    ``new``: the incident was recorded in this transaction and has no obligations yet (nothing to read)."""
    snapshots = snapshots_for(rules)
    existing = {} if new else {o.rule_id: o for o in incident.obligations.all()}
    files = rule_file_changes(existing.values(), rules) if reevaluated else {}  # before the rows are updated
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    created: list[Obligation] = []
    updated: list[Obligation] = []
    for outcome in outcomes:
        fields = _fields(outcome)
        row = existing.get(outcome.rule_id)
        if row is None:
            created.append(Obligation(incident=incident, rule_id=outcome.rule_id, snapshot=snapshots[outcome.rule_id],
                                      **fields))
            after[outcome.rule_id] = {k: fields[k] for k in TRACKED}
            continue
        old = {k: getattr(row, k) for k in TRACKED}
        for name, value in fields.items():
            setattr(row, name, value)
        if row.completed_at is None:  # no longer done (facts changed): how it was settled no longer holds
            row.settlement, row.settled_reason = "", ""
        elif not row.settlement:  # done by a recorded fact or act the core read (done_when, a containment action)
            row.settlement = Settlement.BY_ACT
        row.snapshot = snapshots[outcome.rule_id]
        new = {k: getattr(row, k) for k in TRACKED}
        updated.append(row)
        if old != new:
            before[outcome.rule_id], after[outcome.rule_id] = audit.changed(old, new)
    _write_rows(created, updated)
    summary = f"{len(after)} obligation(s) changed"
    if reevaluated:
        withdraw_missing(existing, {o.rule_id for o in outcomes}, before, after)
        if files:
            before["rule_files"] = {regime: old for regime, (old, _) in files.items()}
            after["rule_files"] = {regime: new for regime, (_, new) in files.items()}
            summary = ("Re-evaluated with the current rule files ("
                       + "; ".join(f"{regime} {old or 'none'} → {new or 'removed'}"
                                   for regime, (old, new) in files.items())
                       + f"): {len(after) - 1} obligation(s) changed")
    if after:
        action = "obligations.reevaluated" if reevaluated else (
            "obligations.recomputed" if existing else "obligations.created")
        audit.record(action=action, object_type="incident", object_id=incident.pk, by=by,
                     incident_ref=incident.reference, before=before or None, after=after, summary=summary)
    _after_write([incident.pk])
    return len(after)


#: Every column ``apply_outcomes`` sets on a row it updates (all of them, as ``save()`` did, and ``updated_at``).
UPDATED_FIELDS = ("rule_version", "regime", "action", "recipient", "citation", "deadline", "clock_start_event",
                  "clock_start_at", "due_at", "legal_latest_at", "status", "applies", "reasons", "completed_at",
                  "settlement", "settled_reason", "snapshot", "updated_at")


def _write_rows(created: list[Obligation], updated: list[Obligation]) -> None:
    """Insert the new rows in one statement and update the others in one, instead of one statement per row
    (decision 227: recording an incident wrote 29 single-row inserts). The stored rows are the same as
    ``create()``/``save()`` wrote, ``updated_at`` included (``bulk_update`` does not set it by itself)."""
    if created:
        Obligation.objects.bulk_create(created)
    if updated:
        now = timezone.now()
        for row in updated:
            row.updated_at = now
        Obligation.objects.bulk_update(updated, UPDATED_FIELDS)


def _after_write(incident_ids: list[int]) -> None:
    """Called once at the end of every write of obligations, inside its transaction: the single place where a
    value derived from the obligations (a per-incident regimes column, issue 16) is brought up to date, so it
    can never differ from them. The recording path budgets two queries for it (decision 229)."""
    regimes.refresh(incident_ids)  # the register's regime filter reads this column (one UPDATE; decision 216)


#: Statuses of a clock that still asks something of the organisation.
OPEN_STATUSES = (ObligationStatus.PENDING, ObligationStatus.MAY_APPLY)


def withdraw_missing(existing: dict[str, Obligation], current: set[str], before: dict[str, Any],
                     after: dict[str, Any]) -> None:
    """An open obligation whose rule is no longer in the rule files stops asking anything: not required.

    Its row stays (with why), like every "not required" outcome; a done one stays done, as it was done.
    """
    for rule_id, row in existing.items():
        if rule_id in current or row.status not in OPEN_STATUSES:
            continue
        old = {k: getattr(row, k) for k in TRACKED}
        row.status, row.applies = ObligationStatus.NOT_REQUIRED, False
        row.reasons = [*row.reasons, f"Does not apply: rule {rule_id} is no longer in the rule files"]
        row.save(update_fields=["status", "applies", "reasons", "updated_at"])
        before[rule_id], after[rule_id] = audit.changed(old, {k: getattr(row, k) for k in TRACKED})


def rule_file_changes(rows: Any, rules: list[ObligationRule]) -> dict[str, tuple[str, str]]:
    """Regime -> (version the rows were computed with, current version), for the regimes that differ.

    "" stands for no version: a regime new to the incident, or one whose rules are gone from the files.
    """
    old = {row.regime: row.rule_version for row in rows}
    new = {rule.regime: rule.version for rule in rules}
    return {regime: (old.get(regime, ""), new.get(regime, "")) for regime in sorted(set(old) | set(new))
            if old.get(regime, "") != new.get(regime, "")}


#: What a list of clocks shows. Loading whole incidents (facts, reasons: JSON) would triple the cost.
CLOCK_FIELDS = ("rule_id", "rule_version", "regime", "action", "recipient", "citation", "clock_start_event",
                "clock_start_at", "due_at", "legal_latest_at", "status", "completed_at", "incident__reference",
                "incident__title", "incident__severity_level", "incident__restricted")


DUE_FIELDS = ("rule_id", "regime", "action", "citation", "due_at", "incident__reference", "incident__title")


def due_between(start: datetime, end: datetime, incidents: QuerySet | None = None) -> QuerySet:
    """Pending clocks due in [start, end), soonest first, as plain rows (the dashboard's "due soon" list).

    Rows rather than model objects: hundreds of clocks can fall due in a day at scale, and building
    objects cost most of the time (docs/performance.md).
    """
    qs = Obligation.objects.filter(status=ObligationStatus.PENDING, due_at__gte=start, due_at__lt=end)
    if incidents is not None:
        qs = qs.filter(incident__in=incidents)
    return qs.order_by("due_at").values(*DUE_FIELDS)


def open_clocks(now: datetime, horizon: timedelta | None = None) -> QuerySet[Obligation]:
    """Pending and may-apply obligations with a due time, soonest first, optionally within a horizon."""
    qs = Obligation.objects.filter(status__in=[ObligationStatus.PENDING, ObligationStatus.MAY_APPLY],
                                   due_at__isnull=False)
    if horizon is not None:
        qs = qs.filter(due_at__lt=now + horizon)
    return qs.select_related("incident").only(*CLOCK_FIELDS).order_by("due_at")
