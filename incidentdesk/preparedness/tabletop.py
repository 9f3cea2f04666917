"""The organisation's last tabletop exercise (seed §9), derived from the completed exercises: one truth.

Kept apart from ``services`` so that the reminders (which read it for the yearly tabletop reminder) do not
import the exercise services, which in turn send a test reminder through the reminders' channels.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import Exercise


def last_tabletop() -> Exercise | None:
    """The last completed exercise, or None: an exercise begun but not ended is not yet a tabletop."""
    return Exercise.objects.filter(ended_at__isnull=False).order_by("-ended_at").first()


def last_tabletop_on() -> date | None:
    """The day (in the organisation's time zone) the last exercise was completed."""
    last = last_tabletop()
    return timezone.localdate(last.ended_at) if last else None
