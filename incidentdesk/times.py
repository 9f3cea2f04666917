"""Times for people: the organisation's time zone, with UTC beside it, in the web, the CLI and the API alike.

Storage is UTC. Django's "current time zone" is only the organisation's inside a web page (the middleware
activates it); the CLI and the API run with UTC active, which is how the CLI report printed
"06:50 UTC (06:50 UTC)" for a time the web showed as "07:52 CET (06:52 UTC)". These functions read the
zone from the organisation profile every time, so every channel writes the same words for the same time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from incidentdesk.organisation.models import Organisation

#: Set by ``pinned`` while one document or export is written, so its thousands of times read the profile once.
_PINNED: ContextVar[ZoneInfo | None] = ContextVar("incidentdesk_pinned_zone", default=None)


def zone() -> ZoneInfo:
    """The organisation's time zone (UTC before the profile is set up)."""
    return _PINNED.get() or ZoneInfo(Organisation.current().time_zone or "UTC")


@contextmanager
def pinned(tz: ZoneInfo | None = None) -> Iterator[ZoneInfo]:
    """Read the zone once for a block of work (a report, an export) instead of once per time written.

    Only for a ``with`` block that does not yield to other code: the zone is unpinned when the block ends.
    """
    token = _PINNED.set(tz or zone())
    try:
        yield _PINNED.get()
    finally:
        _PINNED.reset(token)


def local(value: datetime, tz: ZoneInfo | None = None) -> datetime:
    """An aware time in the organisation's zone."""
    return value.astimezone(tz or zone())


def local_text(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """``2026-11-20 09:00 CET``, or a dash for no time."""
    return "—" if value is None else f"{local(value, tz):%Y-%m-%d %H:%M %Z}"


def with_utc(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """``2026-11-20 09:00 CET (08:00 UTC)``: local time first, UTC beside it (with its date when it differs).

    In a zone that is UTC the time is written once: "09:00 UTC (09:00 UTC)" says nothing twice.
    """
    if value is None:
        return "—"
    here, utc = local(value, tz), value.astimezone(UTC)
    if here.tzname() == "UTC":
        return f"{utc:%Y-%m-%d %H:%M} UTC"
    beside = f"{utc:%H:%M}" if here.date() == utc.date() else f"{utc:%Y-%m-%d %H:%M}"
    return f"{here:%Y-%m-%d %H:%M %Z} ({beside} UTC)"


def spreadsheet(value: datetime | None, tz: ZoneInfo | None = None) -> datetime | None:
    """A time for a spreadsheet cell: naive local time to the second (cells hold no zone; the header names it)."""
    if value is None:
        return None
    return local(value, tz).replace(tzinfo=None, microsecond=0)


def zone_name(tz: ZoneInfo | None = None) -> str:
    """The zone's name for a header or a note, e.g. ``Europe/Brussels``."""
    return (tz or zone()).key
