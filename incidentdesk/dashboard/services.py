"""The dashboard's figures, computed over the incidents a person may see. No HTTP here."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, QuerySet
from django.utils import timezone

from incidentdesk.capa import services as capa
from incidentdesk.capa.models import CorrectiveAction
from incidentdesk.containment.models import ContainmentAction
from incidentdesk.incidents.models import Incident, IncidentTool, Status
from incidentdesk.obligations.models import Obligation, ObligationStatus
from incidentdesk.obligations.store import due_between

LEVELS = (1, 2, 3, 4)


@dataclass
class Dashboard:
    open_by_severity: dict[int, int]
    open_by_status: dict[str, int]
    due_24h: int
    due_7d: int
    overdue: int
    overdue_clocks: list[Obligation]
    per_month: dict[str, dict[str, int]] = field(default_factory=dict)
    per_tool: list[tuple[str, int]] = field(default_factory=list)
    median_hours_to_classify: float | None = None
    median_hours_to_contain: float | None = None
    overdue_actions: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    compliance: dict[str, Any] = field(default_factory=dict)


def _months(now: datetime, count: int = 12) -> list[str]:
    first = timezone.localtime(now).date().replace(day=1)
    months = []
    for _ in range(count):
        months.append(first.strftime("%Y-%m"))
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _median_hours(deltas: list[timedelta]) -> float | None:
    return round(statistics.median(d.total_seconds() for d in deltas) / 3600, 1) if deltas else None


def compliance(obligations: QuerySet[Obligation]) -> dict[str, Any]:
    """Share of completed obligations done by their due time (late ones are still counted, as late)."""
    done = obligations.filter(status=ObligationStatus.DONE, due_at__isnull=False, completed_at__isnull=False)
    total = done.count()
    on_time = done.filter(completed_at__lte=F("due_at")).count()
    return {"done": total, "on_time": on_time, "late": total - on_time,
            "rate": round(100 * on_time / total, 1) if total else None}


def recent_incidents(user: Any, now: datetime) -> QuerySet:
    """The last twelve months (and a few days) of the incidents this person may see."""
    return Incident.objects.visible_to(user).real().filter(detected_at__gte=now - timedelta(days=370))


def per_month(recent: QuerySet, now: datetime) -> dict[str, dict[str, int]]:
    """Incidents per month by category, for the chart (each chart computes only its own figures)."""
    counts: dict[str, Counter] = {m: Counter() for m in _months(now)}
    for detected, categories in recent.values_list("detected_at", "categories").iterator(chunk_size=5000):
        month = timezone.localtime(detected).strftime("%Y-%m")
        if month in counts:
            counts[month].update(categories or ["uncategorised"])
    return {m: dict(c.most_common()) for m, c in counts.items()}


def per_tool(recent: QuerySet, user: Any = None) -> list[tuple[str, int]]:
    links = IncidentTool.objects.visible_to(user) if user is not None else IncidentTool.objects.all()
    return list(links.filter(incident__in=recent).values_list("name").annotate(n=Count("id"))
                .order_by("-n", "name")[:10])


def build(*, user: Any, now: datetime | None = None) -> Dashboard:
    """Every figure and list from rows this person may see: incidents through ``Incident.objects.visible_to``
    and everything hanging off them through their own ``visible_to`` (and, again, only of those incidents)."""
    now = now or timezone.now()
    incidents = Incident.objects.visible_to(user).real()  # exercises are in no figure
    open_ = incidents.exclude(status=Status.CLOSED)
    by_level = dict(open_.values_list("severity_level").annotate(n=Count("id")).order_by())
    by_status = dict(open_.values_list("status").annotate(n=Count("id")).order_by())
    obligations = Obligation.objects.visible_to(user).real()
    clocks = obligations.filter(incident__in=incidents, status=ObligationStatus.PENDING, due_at__isnull=False)
    recent = recent_incidents(user, now)
    classified = [c - d for d, c in recent.filter(classified_at__isnull=False)
                  .values_list("detected_at", "classified_at")]
    first_action = dict(ContainmentAction.objects.visible_to(user).filter(incident__in=recent).values("incident")
                        .annotate(first=Min("taken_at")).values_list("incident", "first"))
    detected = dict(recent.filter(pk__in=list(first_action)).values_list("pk", "detected_at"))
    return Dashboard(
        open_by_severity={level: by_level.get(level, 0) for level in LEVELS},
        open_by_status={s.label: by_status.get(s.value, 0) for s in Status if s != Status.CLOSED},
        due_24h=clocks.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=24)).count(),
        due_7d=clocks.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7)).count(),
        overdue=clocks.filter(due_at__lt=now).count(),
        overdue_clocks=list(clocks.filter(due_at__lt=now).select_related("incident").order_by("due_at")[:10]),
        per_month=per_month(recent, now), per_tool=per_tool(recent, user),
        median_hours_to_classify=_median_hours([d for d in classified if d >= timedelta(0)]),
        median_hours_to_contain=_median_hours([first_action[pk] - d for pk, d in detected.items()
                                               if first_action[pk] >= d]),
        due_soon=list(due_between(now, now + timedelta(hours=24), incidents)
                      .filter(pk__in=obligations.values("pk"))[:10]),
        overdue_actions=list(capa.overdue(timezone.localdate(now)).filter(incident__in=incidents)
                            .filter(pk__in=CorrectiveAction.objects.visible_to(user).values("pk"))[:10]),
        compliance=compliance(obligations.filter(incident__in=recent)),
    )
