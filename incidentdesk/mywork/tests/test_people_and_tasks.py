"""Issue 13, people and tasks: the incident's owner, an assignee and due time on every task, and "my work".

Each (re)assignment is audited with the names before and after; a person who cannot see the incident, or
whose role may not do the work, is refused with a message and nothing is stored.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from conftest import NOW, PASSWORD, table_counts
from incidentdesk.accounts.services import add_person
from incidentdesk.assignment import AssignmentRefused
from incidentdesk.audit.models import AuditEvent
from incidentdesk.capa import services as capa
from incidentdesk.containment import services as containment
from incidentdesk.incidents import access
from incidentdesk.incidents.lock import IncidentClosed
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.services import record_incident, set_owner
from incidentdesk.lessons import services as lessons
from incidentdesk.mywork.services import my_work
from incidentdesk.notifications import services as notifications
from incidentdesk.obligations import services as obligations

DETECTED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
FACTS = {"published_externally": True, "personal_data": {"involved": False}}


@pytest.fixture
def incident(people):
    return record_incident(title="Chatbot invented a refund policy", description="x", detected_at=DETECTED,
                           by=people["manager"], now=NOW, facts=FACTS)


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- the owner -------------------------------------------------------------------------------------------

def test_the_recorder_owns_the_incident_when_their_role_runs_incidents_and_no_one_otherwise(incident, people):
    assert incident.owner == people["manager"]
    by_responder = record_incident(title="Another", description="x", detected_at=DETECTED, by=people["responder"],
                                   now=NOW, facts=FACTS)
    assert by_responder.owner is None


def test_the_owner_is_changed_and_audited_with_both_names(incident, people):
    set_owner(incident=incident, owner=people["administrator"], by=people["manager"])
    incident.refresh_from_db()
    assert incident.owner == people["administrator"]
    [event] = events("incident.owner_changed")
    assert event.incident_ref == incident.reference
    assert json.loads(event.data)["before"] == {"owner": "p-manager"}
    assert json.loads(event.data)["after"] == {"owner": "p-administrator"}


@pytest.mark.parametrize(("who", "message"), [
    ("responder", "p-responder's role does not allow them to run incidents"),
    ("viewer", "p-viewer's role does not allow them to run incidents"),
])
def test_an_owner_whose_role_cannot_run_incidents_is_refused_and_nothing_changes(incident, people, who, message):
    before = table_counts()
    with pytest.raises(AssignmentRefused, match=message):
        set_owner(incident=incident, owner=people[who], by=people["manager"])
    assert table_counts() == before
    assert Incident.objects.get(pk=incident.pk).owner == people["manager"]


def test_an_owner_who_cannot_see_a_restricted_incident_is_refused(incident, people):
    access.restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    with pytest.raises(AssignmentRefused, match="cannot see .* restricted"):
        set_owner(incident=incident, owner=people["administrator"], by=people["manager"])


def test_the_workspace_shows_the_owner_and_changes_it_for_a_manager(incident, people, as_person):
    client = as_person("manager")
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert 'id="owner"' in page
    assert "Change owner" in page
    response = client.post(f"/incidents/{incident.reference}/owner/", {"owner": "p-administrator"}, follow=True)
    assert "Owner saved." in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).owner == people["administrator"]
    refused = client.post(f"/incidents/{incident.reference}/owner/", {"owner": "p-viewer"}, follow=True)
    assert "Nothing was saved." in refused.content.decode()
    assert Incident.objects.get(pk=incident.pk).owner == people["administrator"]


def test_a_viewer_sees_the_owner_but_no_form(incident, as_person):
    page = as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    assert 'id="owner"' in page
    assert "Change owner" not in page
    assert "Reassign" not in page


# --- tasks ----------------------------------------------------------------------------------------------

@pytest.fixture
def tasks(incident, people):
    by = people["manager"]
    return {
        "containment": containment.contain(incident=incident, kind="stop_operation", taken_at=NOW, taken_by="Ops",
                                           by=by, now=NOW),
        "action": capa.plan(incident=incident, description="Ground the bot", assignee=by, due_on=date(2026, 12, 1),
                            by=by),
        "lesson": lessons.propose(incident=incident, target="policy", text="Review answers weekly", by=by),
        "draft": notifications.create_draft(incident=incident, kind="client_notice", by=by),
        "clock": incident.obligations.filter(status="pending").first(),
    }


def assign_each(tasks, person, by, due):
    containment.assign(action=tasks["containment"], assignee=person, due_at=due, by=by)
    obligations.assign(obligation=tasks["clock"], assignee=person, by=by)
    capa.reassign(action=tasks["action"], assignee=person, due_on=due.date(), by=by)
    notifications.assign_review(draft=tasks["draft"], assignee=person, due_at=due, by=by)


def test_every_task_is_assigned_with_an_audit_event_naming_both_people(tasks, people):
    due = NOW + timedelta(days=2)
    assign_each(tasks, people["responder"], people["manager"], due)
    lessons.assign(lesson=tasks["lesson"], assignee=people["manager"], due_at=due, by=people["manager"])
    kinds = {e.action: json.loads(e.data) for e in AuditEvent.objects.filter(action__endswith=".assigned")}
    assert set(kinds) == {"containmentaction.assigned", "obligation.assigned", "correctiveaction.assigned",
                          "notificationdraft.assigned", "lesson.assigned"}
    assert kinds["correctiveaction.assigned"]["before"]["assignee"] == "p-manager"
    assert kinds["correctiveaction.assigned"]["after"]["assignee"] == "p-responder"
    assert "due_at" not in kinds["obligation.assigned"]["after"]  # a clock's due time is the law's


def test_a_viewer_or_someone_outside_a_restricted_incident_cannot_take_a_task(tasks, incident, people):
    before = table_counts()
    with pytest.raises(AssignmentRefused, match="p-viewer's role does not allow them to work on incidents"):
        containment.assign(action=tasks["containment"], assignee=people["viewer"], by=people["manager"])
    with pytest.raises(AssignmentRefused, match="p-responder's role does not allow them to run"):
        lessons.assign(lesson=tasks["lesson"], assignee=people["responder"], by=people["manager"])
    assert table_counts() == before
    access.restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    with pytest.raises(AssignmentRefused, match="cannot see"):
        obligations.assign(obligation=tasks["clock"], assignee=people["responder"], by=people["manager"])


def test_a_later_draft_version_keeps_its_reviewer(tasks, people):
    due = NOW + timedelta(days=1)
    notifications.assign_review(draft=tasks["draft"], assignee=people["responder"], due_at=due, by=people["manager"])
    newer = notifications.edit_draft(draft=tasks["draft"], subject="Changed", body="Changed body", by=people["manager"])
    assert (newer.assignee, newer.due_at) == (people["responder"], due)
    with pytest.raises(notifications.DraftRefused, match="a later version"):
        notifications.assign_review(draft=tasks["draft"], assignee=people["manager"], by=people["manager"])


def test_a_closed_incident_takes_no_assignment(tasks, incident, people):
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    with pytest.raises(IncidentClosed):
        containment.assign(action=tasks["containment"], assignee=people["responder"], by=people["manager"])
    with pytest.raises(IncidentClosed):
        set_owner(incident=incident, owner=people["administrator"], by=people["manager"])


def test_the_panels_assign_a_task_from_the_workspace(tasks, incident, people, as_person):
    client = as_person("responder")
    url = f"/incidents/{incident.reference}/containment/{tasks['containment'].pk}/assign/"
    response = client.post(url, {"assignee": "p-responder", "due_at": "2026-11-23T17:00"}, follow=True)
    assert "Assignment saved." in response.content.decode()
    tasks["containment"].refresh_from_db()
    assert tasks["containment"].assignee == people["responder"]
    assert tasks["containment"].due_at == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # Brussels time, stored UTC
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert "Assigned to <strong>p-responder</strong>" in page


def test_the_api_assigns_and_names_people_by_username(tasks, incident, people, client):
    from incidentdesk.accounts.tokens import create_token

    token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    base = f"/api/incidents/{incident.reference}"
    answer = client.put(f"{base}/corrective-actions/{tasks['action'].pk}/assignee",
                        json.dumps({"assignee": "p-responder", "due_on": "2026-12-05"}),
                        content_type="application/json", **auth)
    assert answer.status_code == 200, answer.content
    assert answer.json()["assignee"] == "p-responder"
    assert answer.json()["due_on"] == "2026-12-05"
    owner = client.put(f"{base}/owner", json.dumps({"owner": "p-administrator"}), content_type="application/json",
                       **auth)
    assert owner.status_code == 200
    assert owner.json()["owner"] == "p-administrator"
    unknown = client.put(f"{base}/owner", json.dumps({"owner": "nobody-here"}), content_type="application/json",
                         **auth)
    assert unknown.status_code == 404
    assert "no active person called 'nobody-here'" in unknown.json()["detail"]


# --- my work --------------------------------------------------------------------------------------------

def test_my_work_lists_my_tasks_overdue_first_and_the_incidents_i_own(tasks, incident, people, time_machine):
    time_machine.move_to(NOW, tick=False)
    by = people["manager"]
    containment.assign(action=tasks["containment"], assignee=people["responder"], due_at=NOW + timedelta(days=3),
                       by=by)
    capa.reassign(action=tasks["action"], assignee=people["responder"], due_on=date(2026, 11, 21), by=by)  # overdue
    notifications.assign_review(draft=tasks["draft"], assignee=people["responder"], due_at=None, by=by)
    mine = my_work(people["responder"], NOW)
    assert [i.object_type for i in mine.tasks] == ["correctiveaction", "containmentaction", "notificationdraft"]
    assert mine.overdue(mine.tasks[0])
    assert not mine.overdue(mine.tasks[1])
    assert mine.owned == []
    owned = my_work(by, NOW).owned
    assert [i.incident_ref for i in owned] == [incident.reference]
    assert owned[0].due_at == incident.obligations.filter(status="pending").order_by("due_at").first().due_at


def test_a_restricted_incident_i_lost_access_to_leaves_my_work(tasks, incident, people):
    containment.assign(action=tasks["containment"], assignee=people["responder"], by=people["manager"])
    assert len(my_work(people["responder"], NOW).tasks) == 1
    access.restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    assert my_work(people["responder"], NOW).tasks == []


def test_done_tasks_leave_my_work(tasks, people):
    containment.assign(action=tasks["containment"], assignee=people["responder"], by=people["manager"])
    containment.record_result(action=tasks["containment"], result="effective", by=people["responder"], now=NOW)
    assert my_work(people["responder"], NOW).tasks == []


def test_the_page_the_api_and_the_cli_show_the_same_work(tasks, incident, people, as_person, client, capsys,
                                                        monkeypatch):
    from incidentdesk.accounts.tokens import create_token

    capa.reassign(action=tasks["action"], assignee=people["responder"], by=people["manager"])
    page = as_person("responder").get("/my-work/").content.decode()
    assert "Carry out: Ground the bot" in page
    assert f"/incidents/{incident.reference}/#capa" in page
    token = create_token(user=people["responder"], name="t", scopes=["read"], by=None)[1]
    data = client.get("/api/my-work", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [t["title"] for t in data["tasks"]] == ["Carry out: Ground the bot"]
    monkeypatch.setenv("INCIDENTDESK_USER", "p-responder")
    call_command("incidentdesk", "my-work", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["tasks"][0]["incident"] == incident.reference


def test_the_cli_assigns_an_owner_and_a_task_and_refuses_a_viewer(tasks, incident, people, monkeypatch, capsys):
    from django.core.management import CommandError

    monkeypatch.setenv("INCIDENTDESK_USER", "p-manager")
    call_command("incidentdesk", "assign", incident.reference, "--owner", "p-administrator")
    assert Incident.objects.get(pk=incident.pk).owner == people["administrator"]
    call_command("incidentdesk", "assign", incident.reference, "--task", "clock", "--id", tasks["clock"].rule_id,
                 "--to", "p-responder")
    tasks["clock"].refresh_from_db()
    assert tasks["clock"].assignee == people["responder"]
    before = table_counts()
    with pytest.raises(CommandError, match="p-viewer's role does not allow"):
        call_command("incidentdesk", "assign", incident.reference, "--task", "action", "--id",
                     str(tasks["action"].pk), "--to", "p-viewer")
    assert table_counts() == before


def test_a_person_is_found_by_full_name_and_two_of_the_same_name_must_be_told_apart(incident, people):
    from incidentdesk.assignment import person_named

    ana = add_person(username="ana", password=PASSWORD, role="responder", by=None)
    ana.first_name, ana.last_name = "Ana", "Peeters"
    ana.save()
    assert person_named("ana peeters") == ana
    other = add_person(username="ana2", password=PASSWORD, role="responder", by=None)
    other.first_name, other.last_name = "Ana", "Peeters"
    other.save()
    with pytest.raises(AssignmentRefused, match="more than one person is called"):
        person_named("Ana Peeters")
