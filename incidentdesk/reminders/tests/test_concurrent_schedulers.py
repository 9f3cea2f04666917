"""Several schedulers (``remind --loop`` on several machines) run their pass at the same moment: each due
reminder is claimed by one of them, so each recipient gets one message (issue 16). On PostgreSQL
(INCIDENTDESK_DB_ENGINE=postgres) the passes really overlap; on SQLite their writes queue."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SCHEDULERS = 4

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_passes_claim_each_reminder_once(transactional_register, people, settings):
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.organisation.services import save_profile
    from incidentdesk.reminders.models import Delivery, Reminder
    from incidentdesk.reminders.runner import tick

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # deliveries stay queued
    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    manager = people["manager"]
    manager.email = "manager@example.org"
    manager.save()
    for n in range(3):
        record_incident(title=f"Leak {n}", description="x", by=manager, now=NOW - timedelta(hours=60),
                        detected_at=NOW - timedelta(hours=60), facts={"personal_data": {"involved": True}})
    barrier, errors, claimed = threading.Barrier(SCHEDULERS), [], []

    def scheduler():
        try:
            barrier.wait(timeout=30)
            claimed.append(tick(NOW))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(SCHEDULERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    sent = Reminder.objects.filter(sent_at__isnull=False)
    assert sent.count() >= 6, "the 50% and 80% reminders of three 72-hour clocks at least"
    assert sum(claimed) == sent.count(), f"each claimed by exactly one pass: {claimed}"
    twice = (Delivery.objects.filter(reminder__isnull=False).values("reminder_id", "channel", "target")
             .annotate(n=Count("id")).filter(n__gt=1))
    assert list(twice) == []
    assert Delivery.objects.filter(reminder__in=sent).count() >= sent.count()
    assert tick(NOW) == 0, "a later pass finds nothing left to send"
