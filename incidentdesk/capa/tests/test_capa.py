"""Corrective and preventive actions: plan, implement, verify or accept with a reason; each step audited."""

from datetime import date

import pytest

from conftest import table_counts
from incidentdesk.accounts.services import set_role
from incidentdesk.audit.models import AuditEvent
from incidentdesk.capa import services as capa
from incidentdesk.capa.models import CorrectiveAction
from incidentdesk.incidents.lock import IncidentClosed
from incidentdesk.incidents.models import Incident

DUE = date(2026, 12, 15)


def state():
    return table_counts() | {"capa": list(CorrectiveAction.objects.values())}


@pytest.fixture
def planned(record, manager):
    set_role(user=manager, role="incident_manager", by=None)
    return capa.plan(incident=record(), description="Add a human review step", assignee=manager, due_on=DUE,
                     by=manager, effectiveness_method="Sample 20 answers a week")


def test_an_action_goes_from_planned_to_verified_effective_with_an_audit_event_each_step(planned, manager):
    assert planned.status == "open"
    assert planned.created_by == manager
    capa.implement(action=planned, by=manager)
    assert planned.status == "implemented"
    assert planned.implemented_at
    capa.verify(action=planned, effective=True, result="No invented policies in 3 weeks", by=manager)
    planned.refresh_from_db()
    assert planned.status == "effective"
    assert planned.settled
    assert planned.effectiveness_method == "Sample 20 answers a week"
    actions = list(AuditEvent.objects.filter(object_type="correctiveaction").order_by("seq")
                   .values_list("action", "actor_name"))
    assert actions == [("capa.planned", "manager"), ("capa.implemented", "manager"), ("capa.verified", "manager")]


def test_not_effective_sends_the_action_back_and_it_can_be_implemented_again(planned, manager):
    capa.implement(action=planned, by=manager)
    capa.verify(action=planned, effective=False, result="Still happens", by=manager)
    assert planned.status == "not_effective"
    assert not planned.settled
    capa.implement(action=planned, by=manager)
    assert planned.status == "implemented"


def test_accepting_without_verification_needs_a_reason_and_is_logged(planned, manager):
    capa.accept(action=planned, reason="Superseded by the new review procedure", by=manager)
    assert planned.status == "accepted"
    assert planned.settled
    assert AuditEvent.objects.filter(action="capa.accepted").count() == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "magic"}, "kind: choose one of"),
    ({"description": " "}, "description: say what will be done"),
    ({"assignee": None}, "assignee: every action needs an owner"),
    ({"effectiveness_due_on": date(2026, 12, 1)}, "the check comes after the action is due"),
])
def test_planning_refusals_store_nothing(record, manager, changes, message):
    incident = record()
    set_role(user=manager, role="incident_manager", by=None)
    before = state()
    values = {"description": "Review", "assignee": manager, "due_on": DUE} | changes
    with pytest.raises(capa.ActionRefused, match=message):
        capa.plan(incident=incident, by=manager, **values)
    assert state() == before


def test_steps_out_of_order_or_without_what_they_need_are_refused(planned, manager):
    before = state()
    with pytest.raises(capa.ActionRefused, match="only an implemented action"):
        capa.verify(action=planned, effective=True, result="ok", by=manager)
    with pytest.raises(capa.ActionRefused, match="needs a reason"):
        capa.accept(action=planned, reason="  ", by=manager)
    assert state() == before
    capa.implement(action=planned, by=manager)
    before = state()
    with pytest.raises(capa.ActionRefused, match="already implemented"):
        capa.implement(action=planned, by=manager)
    with pytest.raises(capa.ActionRefused, match="effectiveness_result"):
        capa.verify(action=planned, effective=True, result=" ", by=manager)
    planned.effectiveness_method = ""
    with pytest.raises(capa.ActionRefused, match="effectiveness_method"):
        capa.verify(action=planned, effective=True, result="fine", by=manager)
    planned.refresh_from_db()
    capa.accept(action=planned, reason="Good enough", by=manager)
    before = state()
    with pytest.raises(capa.ActionRefused, match="already settled"):
        capa.accept(action=planned, reason="Again", by=manager)
    assert state() == before


def test_a_closed_incident_is_locked(planned, manager):
    Incident.objects.filter(pk=planned.incident_id).update(status="closed")
    before = state()
    with pytest.raises(IncidentClosed):
        capa.implement(action=planned, by=manager)
    with pytest.raises(IncidentClosed):
        capa.plan(incident=planned.incident, description="More", assignee=manager, due_on=DUE, by=manager)
    assert state() == before


def test_overdue_lists_late_open_actions_and_late_effectiveness_checks(record, manager):
    incident = record()
    set_role(user=manager, role="incident_manager", by=None)
    late = capa.plan(incident=incident, description="Late", assignee=manager, due_on=date(2026, 11, 1), by=manager)
    capa.plan(incident=incident, description="On time", assignee=manager, due_on=DUE, by=manager)
    check = capa.plan(incident=incident, description="Check late", assignee=manager, due_on=date(2026, 11, 1),
                      effectiveness_due_on=date(2026, 11, 10), by=manager)
    capa.implement(action=check, by=manager)
    assert {a.pk for a in capa.overdue(date(2026, 11, 22))} == {late.pk, check.pk}
