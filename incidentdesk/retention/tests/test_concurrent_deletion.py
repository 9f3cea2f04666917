"""A deletion confirmed while someone places a legal hold, or confirmed twice at once: the incident row is locked,
so either the hold wins (nothing deleted) or the deletion came first (the hold is refused), never both; two
confirmations delete once and the other is told clearly (no server error). Run on PostgreSQL too."""

import threading
from datetime import UTC, datetime

from django.db import connection

from incidentdesk.incidents.models import DeletedIncident, Incident
from incidentdesk.refusals import Refused
from incidentdesk.retention import services
from incidentdesk.retention.models import LegalHold

NOW = datetime(2032, 6, 1, tzinfo=UTC)


def _proposed():
    from incidentdesk.accounts.services import add_person
    from incidentdesk.incidents.services import record_incident
    from incidentdesk.organisation.services import save_profile

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    people = [add_person(username=f"a{n}", password="a-long-test-password", role="administrator", by=None)
              for n in range(3)]
    incident = record_incident(title="Old", description="x", by=None, detected_at=datetime(2026, 1, 5, tzinfo=UTC),
                               now=datetime(2026, 1, 6, tzinfo=UTC))
    Incident.objects.filter(pk=incident.pk).update(status="closed", updated_at=datetime(2026, 2, 1, tzinfo=UTC))
    services.propose_deletion(incident=incident, reason="Past retention", by=people[0], now=NOW)
    return incident, people


def _race(*jobs):
    barrier, refused, errors = threading.Barrier(len(jobs)), [], []

    def work(job):
        try:
            barrier.wait()
            job()
        except Refused as exc:
            refused.append(exc)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return refused, errors


def test_a_hold_placed_while_a_deletion_is_confirmed_never_both(transactional_register):
    incident, people = _proposed()
    mine, theirs = Incident.objects.get(pk=incident.pk), Incident.objects.get(pk=incident.pk)
    refused, errors = _race(lambda: services.confirm_deletion(incident=mine, by=people[1], now=NOW),
                            lambda: services.place_hold(incident=theirs, reason="Claim", by=people[2], now=NOW))
    assert errors == []
    assert len(refused) == 1
    deleted = not Incident.objects.filter(pk=incident.pk).exists()
    held = LegalHold.objects.filter(incident_id=incident.pk).exists()
    assert deleted != held, (deleted, held, refused)
    assert ("legal hold" if held else "no longer exists") in str(refused[0])


def test_two_confirmations_at_once_delete_once_and_refuse_the_other_clearly(transactional_register):
    incident, people = _proposed()

    def confirm(by):
        mine = Incident.objects.get(pk=incident.pk)
        return lambda: services.confirm_deletion(incident=mine, by=by, now=NOW)

    refused, errors = _race(confirm(people[1]), confirm(people[2]))
    assert errors == []
    assert len(refused) == 1
    assert "no longer exists" in str(refused[0])
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert DeletedIncident.objects.count() == 1
