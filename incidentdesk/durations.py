"""Durations in words a person reads at a glance: "40 days", "3 h 20 min", never "960.0 h".

One function for every place that shows a length of time (the dashboard's medians, the profile's targets,
the workspace); the template filter ``duration`` (``incidentdesk/templatetags/durations.py``) calls it.
"""

from __future__ import annotations

from datetime import timedelta


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def in_words(value: timedelta | float | int | None, *, full: bool = False) -> str:
    """A duration (a ``timedelta``, or a number of hours) in words; "" for None.

    Under a day: hours and minutes ("3 h 20 min"); under a week: days and hours ("2 days 4 h"), since a
    deadline that close is counted in hours; from a week on: whole days ("40 days"). ``full`` writes the units
    out ("3 hours 20 minutes") for readers outside the team, such as top management in the review pack.
    """
    if value is None or value == "":
        return ""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value) * 3600
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute"

    def unit(n: int, short: str, word: str) -> str:
        return _plural(n, word) if full else f"{n} {short}"

    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return sign + " ".join(p for p in (unit(hours, "h", "hour") if hours else "",
                                           unit(minutes, "min", "minute") if minutes else "") if p)
    days, hours = divmod(hours, 24)
    if days < 7:
        return sign + _plural(days, "day") + (f" {unit(hours, 'h', 'hour')}" if hours else "")
    return sign + _plural(round(days + hours / 24), "day")
