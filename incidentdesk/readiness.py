""""Are we ready?" (playbook, readiness check): answered from the system's own state, not a quiz.

Each app that knows part of the answer (the inventory, the contacts, the procedure document, exercises,
briefings, reminders, backups...) names one function in ``settings.READINESS_CHECKS``:
``check(now) -> list[ReadinessItem]``. The readiness page, API and ``incidentdesk readiness --json`` read
them all from here, so no app imports another to find out whether the organisation is ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ReadinessItem:
    """One thing the organisation needs in place: whether it is, why it matters, and where to fix it."""

    key: str                 # stable identifier for monitoring, e.g. "contacts.verified"
    title: str               # what should be true, in words: "Contacts verified within 12 months"
    ready: bool
    detail: str              # what the system found, in words: "2 of 5 contacts last checked over a year ago"
    fix_url: str = ""        # where to fix it
    source: str = ""         # the seed section, playbook question or ISO/IEC 42001 clause it answers
    weight: int = 1          # its share of the score


def collect(now: datetime) -> list[ReadinessItem]:
    """Every readiness item, in ``settings.READINESS_CHECKS`` order."""
    items: list[ReadinessItem] = []
    for dotted in settings.READINESS_CHECKS:
        items += import_string(dotted)(now)
    return items
