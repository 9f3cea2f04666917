"""Write and complete the root-cause analysis; completing it meets the procedure's 14-day clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.obligations import services as obligations
from incidentdesk.refusals import Refused

from .models import CauseCategory, RootCauseAnalysis

QUESTIONS = ("what_happened", "why", "what_was_done", "impact", "what_changes")
RCA_RULE = "PROC-6-5-RCA"


class AnalysisRefused(Refused):
    """The analysis is incomplete or invalid; the message names the field. Nothing was stored."""


def _check(fields: dict[str, Any], completing: bool) -> None:
    categories = fields.get("cause_categories") or []
    unknown = set(categories) - set(CauseCategory.values)
    if unknown:
        raise AnalysisRefused(f"cause_categories: unknown {', '.join(sorted(unknown))}")
    if not completing:
        return
    for name in QUESTIONS:
        if not (fields.get(name) or "").strip():
            raise AnalysisRefused(f"{name}: answer this question before completing the analysis (seed §6 step 5)")
    if not categories:
        raise AnalysisRefused("cause_categories: name at least one cause category")
    if set(categories) == {CauseCategory.HUMAN_ERROR} and not (fields.get("systemic_cause") or "").strip():
        raise AnalysisRefused("systemic_cause: human error is the only cause given. Fix the system, not just the "
                              "person: what let the error happen or go unnoticed (policy, training, tool, review)?")


def save_analysis(*, incident: Incident, by: Any, complete: bool = False, now: datetime | None = None,
                  **fields: Any) -> RootCauseAnalysis:
    """Save a draft or, with ``complete``, the finished analysis (which completes the RCA obligation)."""
    ensure_open(incident)
    now = now or timezone.now()
    row = RootCauseAnalysis.objects.filter(incident=incident).first() or RootCauseAnalysis(incident=incident)
    before = audit.snapshot(row) if row.pk else None
    merged = {name: getattr(row, name) for name in (*QUESTIONS, "five_whys", "contributing_factors",
                                                     "cause_categories", "systemic_cause")} | fields
    _check(merged, complete)
    with transaction.atomic():
        for name, value in merged.items():
            setattr(row, name, value.strip() if isinstance(value, str) else value)
        if complete and row.completed_at is None:
            row.completed_at, row.completed_by = now, by if getattr(by, "pk", None) else None
        row.save()
        after = audit.snapshot(row)
        if before is not None:
            before, after = audit.changed(before, after)
        audit.record(action="rca.completed" if complete else "rca.saved", object_type="rootcauseanalysis",
                     object_id=row.pk, by=by, incident_ref=incident.reference, before=before, after=after)
        if complete:
            obligations.settle_by_act(incident=incident, rule_id=RCA_RULE, at=now, by=by, now=now,
                                      how="Root-cause analysis completed")
    return row
