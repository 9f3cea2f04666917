"""Two reminders passes at the same moment tell each next contact once (row lock + one step per number).
Run on PostgreSQL too (INCIDENTDESK_DB_ENGINE=postgres), where the passes really overlap."""

import threading
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from incidentdesk.routing import services
from incidentdesk.routing.models import Notice, NoticeStep

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PASSES = 4


def test_concurrent_passes_escalate_each_notice_once(transactional_register):
    from incidentdesk.contacts.models import Contact
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.organisation.services import save_profile
    from incidentdesk.reminders.models import Delivery

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    for kind, n in (("privacy", 1), ("privacy", 2), ("it_security", 1), ("it_security", 2)):
        Contact.objects.create(kind=kind, name=f"{kind} {n}", email=f"{kind}{n}@example.org", escalation_order=n,
                               last_verified_on=date(2026, 6, 1))
    for n in range(3):
        record_incident(title=f"Incident {n}", description="x", by=None, now=NOW,
                        detected_at=datetime(2026, 11, 22, 8, tzinfo=UTC), facts={"personal_data": {"involved": True}})
    assert NoticeStep.objects.count() == 6
    barrier, errors, told = threading.Barrier(PASSES), [], []

    def work():
        try:
            barrier.wait()
            told.append(services.escalate(NOW + timedelta(hours=5)))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(PASSES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(told) == 6, "each of the six notices escalated once in all"
    for notice in Notice.objects.filter(team__in=["privacy", "it_security"]):
        assert list(notice.steps.values_list("number", flat=True)) == [0, 1]
    second = Delivery.objects.filter(target__in=["privacy2@example.org", "it_security2@example.org"])
    assert second.count() == 6
