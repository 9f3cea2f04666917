"""One pass of the reminder schedule: plan rows, claim the due ones, enqueue their delivery."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from . import services
from .tasks import deliver


def tick(now: datetime | None = None) -> int:
    """Returns how many reminders were claimed and handed to the worker."""
    now = now or timezone.now()
    services.plan(now)
    claimed = 0
    for reminder in services.due(now):
        if services.claim(reminder, now):
            deliver.enqueue(reminder.pk)
            claimed += 1
    return claimed
