"""Figures in words for top management: durations as "1 day 4 hours", not "28.0 h"."""

from __future__ import annotations

from datetime import timedelta

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


def duration(value: timedelta | None) -> str:
    """The two largest units, the rest left off: "2 days 3 hours", "5 hours 20 minutes", "40 minutes"."""
    if value is None:
        return "not measured (none in the period)"
    seconds = max(0, round(value.total_seconds() / 60) * 60)
    if seconds < 60:
        return "less than a minute"
    parts = []
    for name, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count or parts:
            parts.append((count, name))
    return " ".join(plural(count, name) for count, name in parts[:2] if count)


def plural(count: int, noun: str) -> str:
    """``1 day``, ``3 days``, ``0 incidents``."""
    return f"{count} {noun}" if count == 1 else f"{count:,} {noun}s"
