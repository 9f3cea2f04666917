"""Ids stay sequential and unique when incidents are recorded at the same time."""

import threading
from datetime import UTC, datetime

from django.db import close_old_connections, connection

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.services import allocate_reference, record_incident

WORKERS, EACH = 6, 5


def test_concurrent_allocation_gives_every_number_once(transactional_register):
    results, errors = [], []

    def work():
        try:
            for _ in range(EACH):
                results.append(allocate_reference(2026)[0])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, WORKERS * EACH + 1))


def test_concurrent_recording_gives_unique_references(transactional_register):
    from incidentdesk.organisation.services import save_profile

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    errors = []

    def work(n):
        try:
            record_incident(title=f"Incident {n}", description="Recorded in parallel", by=None,
                            detected_at=datetime(2026, 11, 20, 8, tzinfo=UTC),
                            now=datetime(2026, 11, 22, tzinfo=UTC))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    refs = sorted(Incident.objects.values_list("reference", flat=True))
    assert refs == [f"INC-2026-{n:03d}" for n in range(1, WORKERS + 1)]
