"""A reporting period in the organisation's calendar: whole days, first and last included.

The dashboard's "last 12 months" and the management review pack's chosen period are the same kind of thing,
so both count incidents through one definition of where a period starts and ends (the organisation's
midnight, not UTC's: an incident at 00:30 in Brussels on 1 January belongs to January).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from incidentdesk import times


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` (both included), read in ``tz``."""

    first: date
    last: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        """The first moment of the period (the organisation's midnight), aware."""
        return datetime.combine(self.first, time.min, tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive), aware."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=self.tz)

    def months(self) -> list[str]:
        """Every month the period touches, oldest first, as ``YYYY-MM``."""
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month.strftime("%Y-%m"))
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    def words(self) -> str:
        """``1 December 2025 to 30 November 2026``."""
        return f"{self.first.day} {self.first:%B %Y} to {self.last.day} {self.last:%B %Y}"


class PeriodRefused(ValueError):
    """A period that cannot be reported on; the message says why."""


def last_twelve_months(now: datetime, tz: ZoneInfo | None = None) -> Period:
    """The twelve months up to and including today (in the organisation's zone): 3 Dec 2025 – 2 Dec 2026."""
    tz = tz or times.zone()
    today = now.astimezone(tz).date()
    return Period(_year_before(today), today, tz)


def _year_before(last: date) -> date:
    """The first day of the twelve months ending on ``last``: the day after the same date a year earlier."""
    try:
        year_ago = last.replace(year=last.year - 1)
    except ValueError:  # 29 February: a year earlier has no such day
        year_ago = last.replace(year=last.year - 1, day=28)
    return year_ago + timedelta(days=1)


def between(first: date | None, last: date | None, now: datetime, tz: ZoneInfo | None = None) -> Period:
    """The period a person asked for; a missing end is filled from the default (the last twelve months).

    Refused: a last day before the first, or a first day after today (nothing to report yet).
    """
    default = last_twelve_months(now, tz)
    today = default.last
    if first is None and last is not None:  # twelve months up to the last day asked for
        default = Period(_year_before(last), last, default.tz)
    period = Period(first or default.first, last or default.last, default.tz)
    if period.first > today:
        raise PeriodRefused(f"The period starts after today ({today}): there is nothing to report yet")
    if period.last < period.first:
        raise PeriodRefused(f"The period ends ({period.last}) before it starts ({period.first}): "
                            "choose a last day on or after the first")
    return period
