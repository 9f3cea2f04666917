"""One pass of the reminder schedule: put back tasks a dead worker abandoned, plan rows, and for each due
reminder claim it, write its outbox and enqueue its deliveries, all in one transaction.

django-tasks-db writes its task row with a plain INSERT on the same database connection (it has no
"enqueue on commit"), so inside ``transaction.atomic`` the claim, the outbox rows and the task rows commit
together or not at all.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus

from incidentdesk.audit import services as audit

from . import services
from .models import Delivery, Reminder
from .tasks import deliver, send_delivery

logger = logging.getLogger(__name__)


def tick(now: datetime | None = None) -> int:
    """Returns how many reminders were claimed and handed to the worker.

    ``now`` is the schedule's clock; abandoned tasks are judged by the wall clock their rows were stamped with.
    """
    requeue_abandoned()
    now = now or timezone.now()
    run_scheduled_passes(now)
    services.plan(now)
    claimed = 0
    for reminder in services.due(now):
        try:
            claimed += _claim_and_enqueue(reminder, now)
        except Exception:
            # Nothing of this reminder was committed: it is still unclaimed, and the next pass tries again.
            logger.exception("Reminder %s could not be handed to the worker; the next pass tries again", reminder.pk)
    return claimed


def run_scheduled_passes(now: datetime) -> None:
    """Other apps' date-driven work (``settings.SCHEDULED_PASSES``), before the reminders are planned so a task
    opened now gets its reminder in this pass. One failing pass is logged and the others still run."""
    for dotted in settings.SCHEDULED_PASSES:
        try:
            import_string(dotted)(now)
        except Exception:
            logger.exception("Scheduled pass %s failed; the next pass tries again", dotted)


def _claim_and_enqueue(reminder: Reminder, now: datetime) -> int:
    with transaction.atomic():
        if not services.claim(reminder, now):
            return 0
        for delivery in services.write_outbox(reminder):
            send_delivery.enqueue(delivery.pk)
    return 1


def requeue_abandoned() -> int:
    """Put back in the queue the tasks left RUNNING for longer than ``TASK_TIMEOUT_SECONDS``.

    django-tasks-db (0.13) marks a task RUNNING when a worker takes it and never looks at it again: a worker
    killed mid-task leaves it so forever. Every task here is safe to run again (a delivery already delivered
    is not sent twice), so after a timeout longer than any task can run it goes back to READY, audited.
    Returns how many were put back.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS)
    requeued = 0
    for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        with transaction.atomic():
            taken_back = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING,
                                                     started_at=row.started_at).update(status=TaskResultStatus.READY)
            if not taken_back:
                continue  # it finished meanwhile, or another pass took it back first
            minutes = int((timezone.now() - row.started_at).total_seconds() // 60)
            audit.record(action="task.requeued", object_type="task", object_id=row.pk, by=None,
                         incident_ref=_incident_ref(row),
                         after={"task": row.task_path, "args": row.args_kwargs, "started_at": row.started_at,
                                "workers": row.worker_ids},
                         summary=f"A background task ({row.task_name}) still marked running {minutes} minutes "
                                 "after it started, its worker gone, was put back in the queue")
        requeued += 1
    return requeued


def _incident_ref(row) -> str:
    """The incident a task works for, so the event stays as restricted as the incident."""
    args = row.args_kwargs.get("args") or [None]
    if row.task_path == send_delivery.module_path:
        found = Delivery.objects.filter(pk=args[0]).values_list("reminder__obligation__incident__reference",
                                                                "incident__reference")
        return next((ref for ref in (found.first() or ()) if ref), "")
    if row.task_path == deliver.module_path:
        found = Reminder.objects.filter(pk=args[0]).values_list("obligation__incident__reference")
    else:
        return ""
    return (found.first() or [""])[0] or ""
