"""Containment actions: recorded with who and when, refused with a reason, audited. Only containment's own rules."""

from datetime import timedelta

import pytest

from conftest import NOW, table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.containment.models import ContainmentAction
from incidentdesk.containment.services import ContainmentRefused, contain
from incidentdesk.incidents.lock import IncidentClosed
from incidentdesk.incidents.models import Incident


def state():
    return table_counts() | {"containment": list(ContainmentAction.objects.values())}


def test_a_containment_action_is_stored_with_who_and_when_and_audited(record, manager):
    incident = record()
    action = contain(incident=incident, kind="stop_operation", taken_at=NOW - timedelta(hours=1),
                     taken_by="  Ana  ", by=manager, description=" Switched the bot off ", now=NOW)
    assert (action.kind, action.taken_by, action.description) == ("stop_operation", "Ana", "Switched the bot off")
    assert action.recorded_by == manager
    assert action.result == "pending"
    event = AuditEvent.objects.get(action="containment.added")
    assert event.incident_ref == incident.reference
    assert event.actor_name == "manager"
    assert event.object_id == str(action.pk)


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "pray"}, "kind: choose one of"),
    ({"kind": "other", "description": "  "}, "description: say what was done"),
    ({"result": "maybe"}, "result: choose one of"),
    ({"taken_at": NOW + timedelta(hours=2)}, "taken_at: lies in the future"),
    ({"taken_at": NOW - timedelta(days=400)}, "more than a year before detection"),
    ({"taken_by": " "}, "taken_by: who did it"),
])
def test_each_refusal_names_the_field_and_stores_nothing(record, manager, changes, message):
    incident = record()
    before = state()
    values = {"kind": "stop_operation", "taken_at": NOW, "taken_by": "Ana", "description": ""} | changes
    with pytest.raises(ContainmentRefused, match=message):
        contain(incident=incident, by=manager, now=NOW, **values)
    assert state() == before


def test_a_closed_incident_takes_no_containment_action(record, manager):
    incident = record()
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    before = state()
    with pytest.raises(IncidentClosed, match="is closed"):
        contain(incident=incident, kind="stop_operation", taken_at=NOW, taken_by="Ana", by=manager, now=NOW)
    assert state() == before
