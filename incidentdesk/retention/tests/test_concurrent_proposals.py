"""Two people proposing the same deletion at the same moment leave one open proposal (the incident row is locked
while the proposal is checked and written; SQLite serialises the transactions, PostgreSQL locks the row)."""

import threading
from datetime import UTC, datetime

from django.db import connection

from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Conflict
from incidentdesk.retention import services
from incidentdesk.retention.models import DeletionProposal

NOW = datetime(2032, 6, 1, tzinfo=UTC)
WORKERS = 4


def test_concurrent_proposals_leave_one_open(transactional_register):
    from incidentdesk.accounts.services import add_person
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.organisation.services import save_profile

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    people = [add_person(username=f"m{n}", password="a-long-test-password", role="incident_manager", by=None)
              for n in range(WORKERS)]
    incident = record_incident(title="Old", description="x", by=None, detected_at=datetime(2026, 1, 5, tzinfo=UTC),
                               now=datetime(2026, 1, 6, tzinfo=UTC))
    Incident.objects.filter(pk=incident.pk).update(status="closed", updated_at=datetime(2026, 2, 1, tzinfo=UTC))
    barrier, refused, errors = threading.Barrier(WORKERS), [], []

    def work(person):
        try:
            barrier.wait()
            services.propose_deletion(incident=Incident.objects.get(pk=incident.pk), reason="x", by=person, now=NOW)
        except Conflict:
            refused.append(person)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert DeletionProposal.objects.filter(withdrawn_at__isnull=True).count() == 1
    assert len(refused) == WORKERS - 1
