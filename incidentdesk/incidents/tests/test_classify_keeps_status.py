"""Classification does not skip steps: a detected incident stays detected after it is classified.

The status moves only through the lifecycle guard, so the incident is contained (an action that
stopped the harm) before it is classified. Checked through the service, the web view and the CLI.
"""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from conftest import NOW
from incidentdesk.audit.models import AuditEvent
from incidentdesk.containment.services import contain
from incidentdesk.incidents import lifecycle
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.services import classify


@pytest.fixture
def detected(record):
    with time_machine.travel(NOW, tick=False):
        yield record()


def _contain_then_move(incident: Incident, by) -> Incident:
    contain(incident=incident, kind="correct_content", taken_at=NOW, taken_by="Ana", by=by, now=NOW,
            result="effective")
    lifecycle.transition(incident=incident, to="contained", by=by)
    lifecycle.transition(incident=incident, to="classified", by=by)
    incident.refresh_from_db()
    return incident


def test_the_service_classifies_without_moving_the_status(detected, manager):
    classify(incident=detected, level=2, reasoning="Published error", by=manager, now=NOW)
    detected.refresh_from_db()
    assert detected.status == "detected"
    assert detected.classified_at == NOW
    assert not AuditEvent.objects.filter(action="incident.transition").exists()
    assert _contain_then_move(detected, manager).status == "classified"
    moves = list(AuditEvent.objects.filter(action="incident.transition").values_list("data", flat=True))
    assert len(moves) == 2


def test_the_web_view_classifies_without_moving_the_status(detected, as_person, manager):
    client = as_person("manager")
    response = client.post(f"/incidents/{detected.reference}/classify/",
                           {"classify-level": "2", "classify-reasoning": "Published error"})
    assert response.status_code == 302
    detected.refresh_from_db()
    assert detected.status == "detected"
    assert detected.classified_at is not None
    assert _contain_then_move(detected, manager).status == "classified"


def test_the_cli_classifies_without_moving_the_status(detected, manager, cli_user):
    call_command("incidentdesk", "classify", detected.reference, "--level", "2", "--reason", "Published error",
                 stdout=StringIO())
    detected.refresh_from_db()
    assert detected.status == "detected"
    assert detected.classified_at is not None
    assert _contain_then_move(detected, manager).status == "classified"


def test_classified_before_contained_is_still_refused(detected, manager):
    classify(incident=detected, level=2, reasoning="Published error", by=manager, now=NOW)
    with pytest.raises(lifecycle.TransitionRefused, match="stopped the harm"):
        lifecycle.transition(incident=detected, to="classified", by=manager)
    detected.refresh_from_db()
    assert detected.status == "detected"
