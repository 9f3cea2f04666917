"""The dashboard's figures, computed over the incidents a person may see. No HTTP here."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import CharField, Count, F, Min, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.capa import services as capa
from incidentdesk.capa.models import CorrectiveAction
from incidentdesk.containment.models import ContainmentAction
from incidentdesk.incidents.models import Incident, IncidentTool, Status
from incidentdesk.incidents.policy import hidden_incident_ids
from incidentdesk.notifications.models import Notification
from incidentdesk.obligations.models import Obligation, ObligationStatus
from incidentdesk.obligations.store import DUE_FIELDS

from . import rollups
from .models import DayCount, IncidentFigure, Kind
from .period import Period, last_twelve_months

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


def median(deltas: list[timedelta]) -> timedelta | None:
    """The middle duration (the dashboard shows it in hours, the management review pack in words)."""
    return timedelta(seconds=statistics.median(d.total_seconds() for d in deltas)) if deltas else None


def median_hours(deltas: list[timedelta]) -> float | None:
    middle = median(deltas)
    return round(middle.total_seconds() / 3600, 1) if middle is not None else None


def compliance(obligations: QuerySet[Obligation]) -> dict[str, Any]:
    """Share of completed obligations done by their due time (late ones are still counted, as late)."""
    done = obligations.filter(status=ObligationStatus.DONE, due_at__isnull=False, completed_at__isnull=False)
    total = done.count()
    on_time = done.filter(completed_at__lte=F("due_at")).count()
    return {"done": total, "on_time": on_time, "late": total - on_time,
            "rate": round(100 * on_time / total, 1) if total else None}


def incidents_in(user: Any, period: Period) -> QuerySet:
    """The real incidents (no exercises) this person may see that were detected in the period (the organisation's
    days)."""
    return Incident.objects.visible_to(user).real().filter(detected_at__gte=period.start, detected_at__lt=period.end)


def recent_incidents(user: Any, now: datetime) -> QuerySet:
    """The last twelve months of the incidents this person may see (the same period the review pack defaults to)."""
    return incidents_in(user, last_twelve_months(now))


def by_level(incidents: QuerySet) -> dict[int, int]:
    """How many of these incidents are at each severity level (every level listed, zero included)."""
    counts = dict(incidents.values_list("severity_level").annotate(n=Count("severity_level")).order_by())
    return {level: counts.get(level, 0) for level in LEVELS}


def _category_counts(categories_lists) -> Counter:
    counts: Counter = Counter()
    for categories in categories_lists:
        counts.update(categories or ["uncategorised"])
    return counts


def by_category(incidents: QuerySet) -> dict[str, int]:
    """Incidents per category, most frequent first (an incident in two categories counts in both)."""
    return dict(_category_counts(incidents.values_list("categories", flat=True).iterator(chunk_size=5000))
                .most_common())


def per_month(recent: QuerySet, now: datetime, period: Period | None = None) -> dict[str, dict[str, int]]:
    """Incidents per month by category, for the chart (each chart computes only its own figures); with a
    period, its months, counted in its time zone (the dashboard: the last twelve months in the page's zone)."""
    counts: dict[str, Counter] = {m: Counter() for m in (period.months() if period else _months(now))}
    tz = period.tz if period else None
    for detected, categories in recent.values_list("detected_at", "categories").iterator(chunk_size=5000):
        month = timezone.localtime(detected, tz).strftime("%Y-%m")
        if month in counts:
            counts[month].update(_category_counts([categories]))
    return {m: dict(c.most_common()) for m, c in counts.items()}


def per_tool(recent: QuerySet, user: Any = None, limit: int | None = 10) -> list[tuple[str, int]]:
    """Incidents per AI tool, most frequent first (the dashboard shows the first ten)."""
    links = IncidentTool.objects.visible_to(user) if user is not None else IncidentTool.objects.all()
    rows = links.filter(incident__in=recent).values_list("name").annotate(n=Count("id")).order_by("-n", "name")
    return list(rows[:limit] if limit else rows)


def times_to_classify(incidents: QuerySet) -> list[timedelta]:
    """From detection to the definitive classification, per classified incident."""
    return [c - d for d, c in incidents.filter(classified_at__isnull=False).values_list("detected_at", "classified_at")
            if c >= d]


def _since_detection(incidents: QuerySet, firsts: dict[int, datetime]) -> list[timedelta]:
    detected = dict(incidents.filter(pk__in=list(firsts)).values_list("pk", "detected_at"))
    return [firsts[pk] - d for pk, d in detected.items() if firsts[pk] >= d]


def times_to_contain(incidents: QuerySet, user: Any) -> list[timedelta]:
    """From detection to the first containment action, per incident with one."""
    firsts = dict(ContainmentAction.objects.visible_to(user).filter(incident__in=incidents).values("incident")
                  .annotate(first=Min("taken_at")).values_list("incident", "first"))
    return _since_detection(incidents, firsts)


def times_to_notify(incidents: QuerySet, user: Any) -> list[timedelta]:
    """From detection to the first notification sent (to an authority, a client, a provider...), per incident."""
    firsts = dict(Notification.objects.visible_to(user).filter(incident__in=incidents).values("incident")
                  .annotate(first=Min("sent_at")).values_list("incident", "first"))
    return _since_detection(incidents, firsts)


def pending_clocks(user: Any) -> QuerySet[Obligation]:
    """Running clocks (pending, with a due time) of the incidents this person may see."""
    # A join on the incident, not "incident IN (every real incident)": SQLite built that list of a million ids
    # for each count. Obligations' own visible_to already leaves out what the person may not see.
    return Obligation.objects.visible_to(user).filter(incident__is_exercise=False, status=ObligationStatus.PENDING,
                                                      due_at__isnull=False)


def overdue_clocks(user: Any, now: datetime) -> QuerySet[Obligation]:
    """Running clocks past their due time, oldest first."""
    return pending_clocks(user).filter(due_at__lt=now).select_related("incident").order_by("due_at")


def overdue_actions(user: Any, today: date) -> QuerySet[CorrectiveAction]:
    """Corrective actions past their due date or effectiveness check, of incidents this person may see."""
    return (capa.overdue(today).filter(incident__is_exercise=False)
            .filter(pk__in=CorrectiveAction.objects.visible_to(user).values("pk")))


OPEN = [s.value for s in Status if s != Status.CLOSED]  # "IN (...)" walks the status index; "!=" reads every row


class Window:
    """The last twelve months' figures for one viewer, read from the rollups (decision 206).

    The rollups count every real incident; the few restricted incidents this person is not named on
    (``hidden_incident_ids``) are then taken out one by one from their own rollup rows, so each figure is
    exactly what counting the visible incidents would give (decision 16: visibility as a short exclusion list).
    """

    def __init__(self, user: Any, now: datetime):
        self.period = last_twelve_months(now)
        self.now = now
        self.hidden = hidden_incident_ids(user)
        self.hidden_rows = list(self._figures().filter(incident_id__in=self.hidden)) if self.hidden else []

    @classmethod
    def usable(cls, user: Any) -> bool:
        """The rollups answer for this viewer: one who sees the register and the workspaces (everyone but the
        reporter), while the rollups are keyed by the organisation's days and the page counts in that zone."""
        zone = rollups.stored_zone()
        return (can(user, Capability.VIEW_REGISTER) and can(user, Capability.VIEW_WORKSPACE)
                and zone is not None and zone == last_twelve_months(timezone.now()).tz.key
                and zone == timezone.get_current_timezone().key)

    def _figures(self) -> QuerySet[IncidentFigure]:
        return IncidentFigure.objects.filter(day__gte=self.period.first, day__lte=self.period.last)

    def _counts(self, kind: str) -> QuerySet[DayCount]:
        return DayCount.objects.filter(kind=kind, day__gte=self.period.first, day__lte=self.period.last)

    def _totals(self, kind: str) -> Counter:
        """The window's count per key, less the hidden incidents'."""
        totals = Counter(dict(self._counts(kind).values_list("key").annotate(n=Sum("n")).order_by()))
        for row in self.hidden_rows:
            totals.subtract(_keys(row, kind))
        return totals

    def per_month(self) -> dict[str, dict[str, int]]:
        """As ``per_month(recent_incidents(user, now), now)``: the twelve calendar months up to this one."""
        months = _months(self.now)
        counts: dict[str, Counter] = {m: Counter() for m in months}
        # "YYYY-MM" as the day's text: the same SQL on both databases, no function of Django's called per row
        # (TruncMonth on SQLite is), and a few dozen rows back instead of a day's row per category.
        month = Substr(Cast("day", output_field=CharField()), 1, 7)
        rows = (self._counts(Kind.CATEGORY).filter(day__gte=months[0] + "-01").annotate(month=month)
                .values_list("month", "key").annotate(n=Sum("n")).order_by())
        for month_key, key, n in rows:
            counts[month_key][key] += n
        for row in self.hidden_rows:
            month = _day(row.day).strftime("%Y-%m")
            if month in counts:
                counts[month].subtract(row.categories)
        return {m: dict(_ranked(c)) for m, c in counts.items()}

    def per_tool(self, limit: int = 10) -> list[tuple[str, int]]:
        return _ranked(self._totals(Kind.TOOL))[:limit]

    def median_hours(self, kind: str) -> float | None:
        """The exact median: the histogram finds the bucket of the middle value(s), then the values of that
        bucket are read in order from the covering index (``statistics.median`` semantics: two middle values
        are averaged)."""
        histogram = sorted((int(key), n) for key, n in self._totals(kind).items() if n > 0)
        total = sum(n for _, n in histogram)
        if not total:
            return None
        middle = [self._value_at(kind, histogram, position) for position in sorted({(total - 1) // 2, total // 2})]
        return median_hours([timedelta(microseconds=us) for us in middle])

    def _value_at(self, kind: str, histogram: list[tuple[int, int]], position: int) -> int:
        before = 0
        for bucket, n in histogram:
            if position < before + n:
                values = (self._figures().filter(**{f"{kind}_bucket": bucket})
                          .exclude(incident_id__in=self.hidden).order_by(f"{kind}_us")
                          .values_list(f"{kind}_us", flat=True))
                return values[position - before]
            before += n
        raise IndexError(position)

    def compliance(self) -> dict[str, Any]:
        done, on_time = self._totals(Kind.DONE)[""], self._totals(Kind.ON_TIME)[""]
        return {"done": done, "on_time": on_time, "late": done - on_time,
                "rate": round(100 * on_time / done, 1) if done else None}


def _keys(row: IncidentFigure, kind: str) -> Counter:
    """What one incident's rollup row adds to the counts of ``kind``."""
    if kind == Kind.CATEGORY:
        return Counter(row.categories)
    if kind == Kind.TOOL:
        return Counter(row.tools)
    if kind in (Kind.CLASSIFY, Kind.CONTAIN):
        bucket = getattr(row, f"{kind}_bucket")
        return Counter() if bucket is None else Counter({str(bucket): 1})
    return Counter({"": getattr(row, kind)})


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    """Most frequent first, then by name; nothing at zero."""
    return sorted(((key, n) for key, n in counts.items() if n > 0), key=lambda item: (-item[1], item[0]))


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def chart_month(user: Any, now: datetime) -> dict[str, dict[str, int]]:
    """The per-month chart's figures, from the rollups when they answer (each chart computes only its own)."""
    if Window.usable(user):
        return Window(user, now).per_month()
    return per_month(recent_incidents(user, now), now)


def chart_tool(user: Any, now: datetime) -> list[tuple[str, int]]:
    """The per-tool chart's figures, from the rollups when they answer."""
    if Window.usable(user):
        return Window(user, now).per_tool()
    return per_tool(recent_incidents(user, now), user)


def build(*, user: Any, now: datetime | None = None) -> Dashboard:
    """Every figure and list from rows this person may see: incidents through ``Incident.objects.visible_to``
    and everything hanging off them through their own ``visible_to`` (and, again, only of those incidents).

    The twelve-month figures come from the rollups (``Window``) when they answer for this viewer, otherwise
    from the incidents themselves (same numbers, slower)."""
    now = now or timezone.now()
    incidents = Incident.objects.visible_to(user).real()  # exercises are in no figure
    usable = Window.usable(user)
    # The rollup rows are the real incidents with their status and level: an index-only count (the incidents'
    # own index would read every open incident's row for its exercise flag).
    open_ = (IncidentFigure.objects.exclude(incident_id__in=hidden_incident_ids(user)) if usable
             else incidents).filter(status__in=OPEN)
    by_status = dict(open_.values_list("status").annotate(n=Count("status")).order_by())
    obligations = Obligation.objects.visible_to(user).real()
    clocks = pending_clocks(user)
    overdue = overdue_clocks(user, now)
    dashboard = Dashboard(
        open_by_severity=by_level(open_),
        open_by_status={s.label: by_status.get(s.value, 0) for s in Status if s != Status.CLOSED},
        due_24h=clocks.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=24)).count(),
        due_7d=clocks.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7)).count(),
        overdue=overdue.count(), overdue_clocks=list(overdue[:10]),
        due_soon=list(clocks.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=24)).order_by("due_at")
                      .values(*DUE_FIELDS)[:10]),
        overdue_actions=list(overdue_actions(user, timezone.localdate(now))[:10]))
    if usable:
        window = Window(user, now)
        dashboard.per_month, dashboard.per_tool = window.per_month(), window.per_tool()
        dashboard.median_hours_to_classify = window.median_hours(Kind.CLASSIFY)
        dashboard.median_hours_to_contain = window.median_hours(Kind.CONTAIN)
        dashboard.compliance = window.compliance()
        return dashboard
    recent = recent_incidents(user, now)
    dashboard.per_month, dashboard.per_tool = per_month(recent, now), per_tool(recent, user)
    dashboard.median_hours_to_classify = median_hours(times_to_classify(recent))
    dashboard.median_hours_to_contain = median_hours(times_to_contain(recent, user))
    dashboard.compliance = compliance(obligations.filter(incident__in=recent))
    return dashboard
