"""Filling and checking the dashboard's rollups (the triggers keep them; this module repairs and verifies them).

``rebuild`` writes the organisation zone's UTC offsets and recomputes every rollup row from the incidents,
set-based, in one transaction: the first migration, ``manage.py rebuild_dashboard`` and a change of the
organisation's time zone (its days move) call it. ``fresh`` recomputes the same rows in Python from the ORM,
independently of the SQL, so a test can compare.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from . import triggers
from .models import DayCount, IncidentFigure, ZoneOffset

FIRST, LAST = datetime(1, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)
SCAN_FROM = datetime(1900, 1, 1, tzinfo=UTC)


def _offset(tz: ZoneInfo, at: datetime) -> int:
    return int(at.astimezone(tz).utcoffset().total_seconds())


def offsets(tz: ZoneInfo) -> list[tuple[datetime, int]]:
    """Every change of the zone's UTC offset from 1900 to 2200 (to the second), after a first row for all time
    before, so that any stored time finds its offset with one indexed look-up."""
    rows = [(FIRST, _offset(tz, SCAN_FROM))]
    at = SCAN_FROM
    while at < LAST:
        step = at + timedelta(days=1)
        if _offset(tz, step) != _offset(tz, at):
            low, high = at, step  # the change is in (low, high]: halve to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _offset(tz, middle) == _offset(tz, low):
                    low = middle
                else:
                    high = middle
            rows.append((high, _offset(tz, high)))
        at = step
    return rows


def stored_zone() -> str | None:
    """The zone whose days the rollups are keyed by (None: not filled, for instance after a test's flush)."""
    first = ZoneOffset.objects.order_by("start").values_list("zone", flat=True).first()
    return first


def rebuild(zone: str, zone_offset: type = ZoneOffset) -> None:
    """Offsets of ``zone`` and every rollup row from scratch, in one transaction (set-based SQL).

    ``zone_offset``: the migration passes its historical model."""
    tz = ZoneInfo(zone)
    with transaction.atomic():
        zone_offset.objects.all().delete()
        zone_offset.objects.bulk_create(zone_offset(zone=zone, start=start, seconds=seconds)
                                        for start, seconds in offsets(tz))
        with connection.cursor() as cursor:
            for statement in triggers.rebuild(triggers.Dialect(connection.vendor)):
                cursor.execute(statement)


def follow_zone(zone: str) -> None:
    """Rebuild when the organisation's zone is not the one the rollups are keyed by (its days moved)."""
    if stored_zone() != zone:
        rebuild(zone)


def fresh(zone: str) -> tuple[dict[int, dict], Counter]:
    """The figure rows and the day counts recomputed in Python from the ORM, for tests to compare."""
    from incidentdesk.containment.models import ContainmentAction
    from incidentdesk.incidents.models import Incident, IncidentTool
    from incidentdesk.obligations.models import Obligation, ObligationStatus

    tz = ZoneInfo(zone)
    rows: dict[int, dict] = {}
    for incident in Incident.objects.filter(is_exercise=False).order_by():
        detected = incident.detected_at
        taken = [a.taken_at for a in ContainmentAction.objects.filter(incident=incident)]
        done = Obligation.objects.filter(incident=incident, status=ObligationStatus.DONE, due_at__isnull=False,
                                         completed_at__isnull=False)
        classify = _us(incident.classified_at, detected)
        contain = _us(min(taken) if taken else None, detected)
        rows[incident.pk] = {
            "day": detected.astimezone(tz).date(), "categories": list(incident.categories or ["uncategorised"]),
            "tools": sorted(IncidentTool.objects.filter(incident=incident).values_list("name", flat=True)),
            "classify_us": classify, "classify_bucket": bucket(classify), "contain_us": contain,
            "contain_bucket": bucket(contain), "done": done.count(),
            "on_time": sum(1 for o in done if o.completed_at <= o.due_at), "status": incident.status,
            "severity_level": incident.severity_level}
    counts: Counter = Counter()
    for row in rows.values():
        day = row["day"]
        for category in row["categories"]:
            counts[(day, "category", category)] += 1
        for tool in row["tools"]:
            counts[(day, "tool", tool)] += 1
        for kind in ("classify", "contain"):
            if row[f"{kind}_bucket"] is not None:
                counts[(day, kind, str(row[f"{kind}_bucket"]))] += 1
        for kind in ("done", "on_time"):
            counts[(day, kind, "")] += row[kind]
    return rows, _nonzero(counts)


def stored() -> tuple[dict[int, dict], Counter]:
    """The rollups as the triggers left them, in the shape of ``fresh`` (zero counts left out)."""
    rows = {}
    for f in IncidentFigure.objects.all():
        rows[f.incident_id] = {"day": _date(f.day), "categories": list(f.categories), "tools": sorted(f.tools),
                               "classify_us": f.classify_us, "classify_bucket": f.classify_bucket,
                               "contain_us": f.contain_us, "contain_bucket": f.contain_bucket, "done": f.done,
                               "on_time": f.on_time, "status": f.status, "severity_level": f.severity_level}
    counts = Counter({(_date(c.day), c.kind, c.key): c.n for c in DayCount.objects.all()})
    return rows, _nonzero(counts)


def _nonzero(counts: Counter) -> Counter:
    """Zero counts left out (the triggers leave a row at 0; a negative count must show, not vanish)."""
    return Counter({key: n for key, n in counts.items() if n != 0})


def _date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _us(later: datetime | None, earlier: datetime) -> int | None:
    if later is None or later < earlier:
        return None
    delta = later - earlier
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def bucket(us: int | None) -> int | None:
    """The same histogram bucket as ``triggers._bucket`` computes in SQL."""
    if us is None:
        return None
    if us < triggers.US_DAY:
        return us // triggers.US_HOUR
    if us < 30 * triggers.US_DAY:
        return 24 + us // triggers.US_DAY
    return 60
