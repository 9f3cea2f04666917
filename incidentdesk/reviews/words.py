"""Figures in words for top management: durations as "1 day 4 hours", not "28.0 h"."""

from __future__ import annotations

from datetime import timedelta

from incidentdesk.durations import in_words


def duration(value: timedelta | None) -> str:
    """The house's durations in words (``incidentdesk.durations``), units written out: "1 day 4 hours"."""
    if value is None:
        return "not measured (none in the period)"
    return in_words(max(value, timedelta(0)), full=True)


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
