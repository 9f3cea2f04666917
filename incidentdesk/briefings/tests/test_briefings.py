"""Briefings (procedure §9): a person with access to a tool that requires a briefing, without the current
procedure version's, is flagged (page, readiness, API, CLI); an accepted training lesson becomes a briefing task
in "my work"; bad input stores nothing."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command

from incidentdesk import readiness, work
from incidentdesk.audit.models import AuditEvent
from incidentdesk.briefings import services
from incidentdesk.briefings.models import Briefing, BriefingTask
from incidentdesk.inventory.services import save_tool
from incidentdesk.refusals import Forbidden

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def tools(people):
    manager = people["manager"]
    return (save_tool(by=manager, name="ChatGPT Team", briefing_required=True),
            save_tool(by=manager, name="Spellchecker"))


def _item():
    return next(i for i in readiness.collect(NOW) if i.key == "briefings.tool_users_briefed")


def test_a_contractor_with_access_is_flagged_until_briefed_on_the_current_version(tools, people, time_machine):
    time_machine.move_to(NOW)
    chat, spell = tools
    manager = people["manager"]
    services.grant_access(tool=chat, person_name="Eva Contractor", person_email="eva@contractor.example",
                          since=date(2026, 11, 1), by=manager)
    services.grant_access(tool=spell, person_name="Piet", since=date(2026, 11, 1), by=manager)  # no briefing needed
    assert [u.name for u in services.unbriefed(NOW.date())] == ["Eva Contractor"]
    assert not _item().ready
    assert "Eva Contractor" in _item().detail
    services.record_briefing(person_name="Eva C.", person_email="EVA@contractor.example", procedure_version="0.9",
                             given_on=date(2026, 11, 2), given_by="Founder", by=manager)
    assert services.unbriefed(NOW.date())[0].last_version == "0.9"  # an old version is not the current one
    services.record_briefing(person_name="Eva C.", person_email="eva@contractor.example",
                             given_on=date(2026, 11, 20), given_by="Founder", by=manager)
    assert services.unbriefed(NOW.date()) == []
    assert _item().ready
    assert AuditEvent.objects.filter(action="briefing.recorded").count() == 2


def test_ended_access_is_not_flagged(tools, people):
    access = services.grant_access(tool=tools[0], person_name="Old Successor", since=date(2026, 1, 1),
                                   by=people["manager"])
    services.end_access(access=access, on=date(2026, 6, 1), by=people["manager"])
    assert services.unbriefed(NOW.date()) == []


def test_bad_briefings_store_nothing(tools, people, time_machine):
    time_machine.move_to(NOW)
    manager = people["manager"]
    with pytest.raises(services.BriefingRefused, match="future"):
        services.record_briefing(person_name="Eva", given_on=date(2026, 12, 1), given_by="x", by=manager)
    with pytest.raises(services.BriefingRefused, match="subject"):
        services.record_briefing(person_name="Eva", kind="training", given_on=date(2026, 11, 1), given_by="x",
                                 by=manager)
    with pytest.raises(services.BriefingRefused, match="e-mail"):
        services.record_briefing(person_name="Eva", person_email="not-an-address", given_on=date(2026, 11, 1),
                                 given_by="x", by=manager)
    with pytest.raises(Forbidden):
        services.record_briefing(person_name="Eva", given_on=date(2026, 11, 1), given_by="x", by=people["viewer"])
    assert not Briefing.objects.exists()


def test_an_accepted_training_lesson_becomes_a_briefing_task_in_my_work(record, people, time_machine):
    from incidentdesk.lessons import services as lessons

    time_machine.move_to(NOW)
    incident = record()
    lesson = lessons.propose(incident=incident, target="training", text="Teach prompt-injection basics",
                             by=people["responder"])
    assert not BriefingTask.objects.exists()
    lessons.decide(lesson=lesson, accept=True, by=people["manager"])
    task = BriefingTask.objects.get()
    assert task.assignee == people["responder"]  # no incident owner: the person who proposed it
    mine = [i for i in work.collect(people["responder"], NOW) if i.object_type == "briefingtask"]
    assert [i.title for i in mine] == ["Brief or train people: Teach prompt-injection basics"]
    services.record_briefing(person_name="Whole team", kind="training", subject="Prompt injection",
                             given_on=date(2026, 11, 22), given_by="Responder", task=task, by=people["manager"])
    assert not [i for i in work.collect(people["responder"], NOW) if i.object_type == "briefingtask"]


def test_a_lesson_aimed_elsewhere_gives_no_task(record, people):
    from incidentdesk.lessons import services as lessons

    lesson = lessons.propose(incident=record(), target="policy", text="x", by=people["manager"])
    lessons.decide(lesson=lesson, accept=True, by=people["manager"])
    assert not BriefingTask.objects.exists()


def test_the_page_the_cli_and_the_api(tools, people, as_person, time_machine):
    from django.test import Client

    from incidentdesk.accounts.tokens import create_token

    time_machine.move_to(NOW)
    client = as_person("manager")
    response = client.post("/briefings/access/", {"tool": tools[0].pk, "person_name": "Eva Contractor",
                                                 "since": "2026-11-01"}, follow=True)
    assert "Eva Contractor" in response.content.decode()
    assert "Eva Contractor" in client.get("/briefings/").context["unbriefed"][0].name
    refused = client.post("/briefings/record/", {"person_name": "Eva Contractor", "kind": "procedure",
                                                 "given_on": "2026-12-30", "given_by": "Founder"})
    assert refused.status_code == 400
    assert not Briefing.objects.exists()
    out = io.StringIO()
    call_command("incidentdesk", "briefing", "list", stdout=out)
    assert "Eva Contractor" in out.getvalue()
    with pytest.raises(CommandError, match="no tool"):
        call_command("incidentdesk", "--as", "p-manager", "briefing", "access", "Bob", "--tool", "Nope", stdout=out)
    call_command("incidentdesk", "--as", "p-manager", "briefing", "record", "Eva Contractor", "--given-by", "Founder",
                 stdout=out)
    _, token = create_token(user=people["viewer"], name="t", scopes=["read"], by=None)
    data = Client().get("/api/briefings", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert data["unbriefed"] == []
    assert data["briefings"][0]["procedure_version"] == data["current_version"]


def test_the_current_version_is_the_procedure_in_force_in_the_document_register(people, time_machine):
    """One truth: once the organisation has a procedure in force, briefings are on its number, not the seed's."""
    from incidentdesk.governance import demo as governance_demo

    time_machine.move_to(NOW)
    assert services.current_version() == "1.0"  # the built-in seed procedure, before any document is in force
    governance_demo.seed(by=people["administrator"])
    from incidentdesk.governance.current import procedure_in_force

    assert services.current_version() == str(procedure_in_force().number)
