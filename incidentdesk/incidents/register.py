"""Register queries shared by the web page, the CLI and the export: filters and next deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Min, QuerySet

from incidentdesk.obligations.models import Obligation, ObligationStatus

from .models import Incident
from .search import search_incidents


def filter_register(qs: QuerySet[Incident], params: Mapping[str, Any]) -> QuerySet[Incident]:
    """Apply the register's filters: status, severity (minimum level), year, tool, free text."""
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("severity"):
        qs = qs.filter(severity_level__gte=int(params["severity"]))
    if params.get("year"):
        qs = qs.filter(year=int(params["year"]))
    if params.get("tool"):
        qs = qs.filter(tools__name__iexact=params["tool"])
    if params.get("q"):
        qs = search_incidents(qs, params["q"])
    return qs.order_by("-detected_at")


def next_deadlines(incident_ids: list[int]) -> dict[int, datetime]:
    """The earliest pending due time for each incident on one page (one query)."""
    rows = (Obligation.objects.filter(incident_id__in=incident_ids, status=ObligationStatus.PENDING,
                                      due_at__isnull=False)
            .values("incident_id").annotate(next_due=Min("due_at")))
    return {row["incident_id"]: row["next_due"] for row in rows}
