"""What is mine to do, across incidents: the tasks assigned to me (overdue first), and the incidents I own.

The items come from every app's source (``incidentdesk.work``, ``settings.MY_WORK_SOURCES``), each already
narrowed to what the person may see, so an incident restricted away from them takes its tasks with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentdesk import work
from incidentdesk.work import WorkItem


@dataclass
class MyWork:
    tasks: list[WorkItem]       # overdue first, then soonest due, undated last
    owned: list[WorkItem]       # the open incidents I own, by next deadline
    now: datetime

    def overdue(self, item: WorkItem) -> bool:
        return item.due_at is not None and item.due_at < self.now

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.tasks if self.overdue(item))


def my_work(user: Any, now: datetime) -> MyWork:
    """Everything of ``user``'s, split into tasks and owned incidents. ``work.collect`` sorts by due time, so
    the overdue (past due) come first of themselves."""
    items = work.collect(user, now)
    return MyWork(tasks=[i for i in items if i.object_type != "incident"],
                  owned=[i for i in items if i.object_type == "incident"], now=now)
