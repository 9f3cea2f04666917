"""Two facilitators (or a double click) revealing the same inject at the same moment: it is revealed once, its
facts change once, and the other is told it was already revealed (the exercise's row is locked)."""

import threading

from django.db import connection

from conftest import NOW
from incidentdesk.audit.models import AuditEvent
from incidentdesk.preparedness import services
from incidentdesk.refusals import Refused

WORKERS = 4


def test_concurrent_reveals_of_one_inject_reveal_it_once(transactional_register):
    from django.contrib.auth import get_user_model

    from incidentdesk.organisation.services import save_profile

    save_profile(by=None, name="Test BV", country="BE", time_zone="Europe/Brussels")
    facilitator = get_user_model().objects.create_user("facilitator")
    exercise = services.start(scenario="level3-personal-data", by=facilitator, now=NOW)
    outcomes, errors = [], []

    def work():
        try:
            services.reveal(exercise=exercise, inject="health", by=facilitator)
            outcomes.append("revealed")
        except Refused as exc:
            outcomes.append(str(exc))
        except Exception as exc:  # anything else is a failure, asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert outcomes.count("revealed") == 1
    assert all("already revealed" in o for o in outcomes if o != "revealed")
    assert exercise.revealed.count() == 1
    assert AuditEvent.objects.filter(action="exercise.inject_revealed").count() == 1
    assert AuditEvent.objects.filter(action="incident.updated", incident_ref=exercise.incident.reference).count() == 1
