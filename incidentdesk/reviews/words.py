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


def describe(review) -> str:
    """Why a review is due, in words: "after INC-2026-004 (level 3) was closed", "the EU AI Act rule file has a
    new version (2.1.0)", "annual review". The reader already sees the review, so naming its incident is safe."""
    from incidentdesk.assessment.rulebook import default_rulebook

    from .models import ReviewReason

    if review.reason == ReviewReason.INCIDENT:
        if review.incident is None:
            return "after an incident at level 2 or above was closed (the incident has since been deleted)"
        return f"after {review.incident.reference} (level {review.incident.severity_level}) was closed"
    if review.reason == ReviewReason.LAW_CHANGE:
        regime = default_rulebook().regimes.get(review.rule_file)
        title = regime.meta.title if regime else review.rule_file
        return f"the rules for \u201c{title}\u201d have a new version ({review.rule_version})"
    return "annual review"
