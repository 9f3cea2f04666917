"""Deadline arithmetic: exact targets and the legal latest under Regulation (EEC) 1182/71.

Every legal clock shows two times (docs/rules.md):
- the **target**: exact elapsed hours from the clock start (days count as 24 h, months as the
  same wall-clock time on the same date of the next month);
- the **legal latest**: for EU periods expressed in days or months, Reg. 1182/71 Art 3 — the day
  of the event is not counted (3(1)), the period ends with the last hour of its last day
  (3(2)(b)-(c)), a last day on a Saturday, Sunday or public holiday moves to the next working day
  (3(4)), and a period of two days or more includes at least two working days (3(5)).
  For periods in hours, Art 3(1) second subparagraph: "the hour during which that event occurs …
  shall not be considered as falling within the period", so the period starts at the beginning of
  the next hour (3(2)(a)) and ends with the expiry of its last hour — the target plus the rest of
  the starting hour. Periods in hours get no weekend extension (3(4) applies to periods "expressed
  otherwise than in hours").
  DORA's RTS 2025/301 Art 5(4) instead moves a weekend or holiday deadline to noon of the next
  working day.

Days are counted in the organisation's time zone and public holidays come from the offline
``holidays`` package for the organisation's country.
"""

from __future__ import annotations

import calendar as monthcal
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=64)
def _holidays(country: str | None, year: int) -> holidays.HolidayBase | dict:
    if not country:
        return {}
    try:
        return holidays.country_holidays(country, years=[year])
    except NotImplementedError:
        return {}


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekends plus the public holidays of one country (none when the country is unknown)."""

    country: str | None
    zone: ZoneInfo

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.country, day.year)

    def why_not_working(self, day: date) -> str:
        name = _holidays(self.country, day.year).get(day)
        return f"a public holiday ({name})" if name else day.strftime("a %A")

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


@dataclass(frozen=True)
class Period:
    target: datetime
    legal_latest: datetime
    explanation: str


def add_months(day: date, months: int) -> date:
    """Same date ``months`` later, or the month's last day when that date does not exist (3(2)(c))."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthcal.monthrange(year, month)[1]))


def _local_end(day: date, cal: WorkingCalendar) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=cal.zone).astimezone(UTC)


def eu_period(start: datetime, *, days: int = 0, months: int = 0, cal: WorkingCalendar) -> Period:
    """A period in days or months under Reg. 1182/71 Art 3, from an event at ``start``."""
    local = start.astimezone(cal.zone)
    if months:
        target = datetime.combine(add_months(local.date(), months), local.timetz()).astimezone(UTC)
        last = add_months(local.date(), months)
        steps = [f"{months} month(s) from {local.date()} end on {last} (Art 3(2)(c))"]
    else:
        target = start + timedelta(days=days)
        last = local.date() + timedelta(days=days)
        steps = [f"{days} days, not counting the day of the event ({local.date()}), end on {last} (Art 3(1), 3(2)(b))"]
    if not cal.is_working_day(last):
        moved = cal.next_working_day(last)
        steps.append(f"{last} is {cal.why_not_working(last)}, so the period runs to {moved} (Art 3(4))")
        last = moved
    if days >= 2 or months:
        first = local.date() + timedelta(days=1)
        span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        working = sum(cal.is_working_day(day) for day in span)
        while working < 2:
            last = cal.next_working_day(last)
            working += 1
            steps.append(f"extended to {last} to include two working days (Art 3(5))")
    if not cal.country:
        steps.append("no country in the organisation profile: only weekends are treated as non-working days")
    legal = max(_local_end(last, cal), target)
    return Period(target, legal, "Reg. 1182/71: " + "; ".join(steps))


def eu_hours(start: datetime, *, hours: int, cal: WorkingCalendar) -> Period:
    """A period in hours under Reg. 1182/71 Art 3(1) second subparagraph and 3(2)(a), from an event at ``start``.

    The starting hour is the organisation's local clock hour (it differs from the UTC hour in zones
    with a half-hour offset); the hours themselves are elapsed hours, so a daylight-saving change
    neither adds nor removes one.
    """
    target = start + timedelta(hours=hours)
    local = start.astimezone(cal.zone)
    hour_began = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    counted_from = hour_began + timedelta(hours=1)
    legal = counted_from + timedelta(hours=hours)

    def shown(moment: datetime) -> str:
        return f"{moment.astimezone(cal.zone):%Y-%m-%d %H:%M}"

    why = (f"Reg. 1182/71: the hour of the event ({shown(hour_began)}–{shown(counted_from)[-5:]}) is not counted "
           f"(Art 3(1)), so the {hours} hours run from {shown(counted_from)} and end at {shown(legal)} (Art 3(2)(a)); "
           "no weekend extension for a period in hours (Art 3(4)). Our reading: Reg. 1182/71 counts this act's "
           "hours; the target stays the exact period")
    return Period(target, legal, why)


def dora_relief(target: datetime, cal: WorkingCalendar) -> Period:
    """RTS 2025/301 Art 5(4): a deadline on a weekend or bank holiday moves to noon of the next working day."""
    local_day = target.astimezone(cal.zone).date()
    if cal.is_working_day(local_day):
        return Period(target, target, "RTS 2025/301 Art 5(4): the deadline falls on a working day")
    moved = cal.next_working_day(local_day)
    legal = datetime.combine(moved, time(12, 0), tzinfo=cal.zone).astimezone(UTC)
    why = cal.why_not_working(local_day)
    return Period(target, legal, f"RTS 2025/301 Art 5(4): {local_day} is {why}, so noon of {moved}")


def exact_period(start: datetime, *, hours: int = 0, days: int = 0, months: int = 0, zone: ZoneInfo) -> datetime:
    """Exact elapsed time: hours and days as 24 h blocks; months keep the local wall-clock time."""
    if months:
        local = start.astimezone(zone)
        moved = datetime.combine(add_months(local.date(), months), local.time(), tzinfo=zone)
        return moved.astimezone(UTC)
    return start + timedelta(hours=hours, days=days)
