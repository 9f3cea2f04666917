"""A person's work across the system: the tasks assigned to them, gathered from every app that has some.

Each app that gives people tasks (containment actions, obligations, corrective actions, lessons, drafts to
review, document reviews, briefings, routing acknowledgements...) names one function in
``settings.MY_WORK_SOURCES``: ``source(user, now) -> list[WorkItem]``, returning only that person's open
tasks from rows they may see. "My work" (page, API, CLI) and the reminders read them from here, so no app
imports another to find out what is someone's to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class WorkItem:
    """One open task of one person, in words: what it is, where, by when, and where to do it."""

    kind: str                      # plain-language kind: "Containment action", "Notification clock", ...
    title: str                     # what to do, in words
    url: str                       # where to do it
    due_at: datetime | None = None
    incident_ref: str = ""         # the incident it belongs to, if any
    object_type: str = ""          # the audit object type of the row (for the API)
    object_id: Any = None


def collect(user: Any, now: datetime) -> list[WorkItem]:
    """Every open task of ``user``, soonest due first (undated last)."""
    items: list[WorkItem] = []
    for dotted in settings.MY_WORK_SOURCES:
        items += import_string(dotted)(user, now)
    return sorted(items, key=lambda i: (i.due_at is None, i.due_at or now, i.incident_ref, i.title))
