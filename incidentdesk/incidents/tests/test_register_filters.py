"""The register's filters as people use them (issue 13): blank defaults, partial tool names, the owner,
named periods, and days read in the organisation's time zone on the web and in the API alike."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from incidentdesk.incidents.models import Incident


def _refs(page) -> list[str]:
    return [r.reference for r in page.context["page"].object_list]


def test_every_filter_starts_blank_so_clicking_filter_sends_nothing(record, as_person):
    """The bug: selects without a blank first choice sent "severity=1" on every click of Filter."""
    record()
    html = as_person("manager").get("/incidents/").content.decode()
    form = html.split('class="filters"', 1)[1].split("</form>", 1)[0]
    for name, body in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        if name == "sort":
            continue
        first = re.search(r'<option value="([^"]*)"', body).group(1)
        assert first == "", f"the {name} filter's first choice is {first!r}, not blank"
    assert 'type="date" name="detected_from"' in form


def test_a_tool_matches_by_part_of_its_name_in_any_case_and_each_incident_once(record, as_person):
    both = record(tools=["ChatGPT Team", "Chat widget"])
    record(title="Other", tools=["DeepL Pro"])
    client = as_person("manager")
    assert _refs(client.get("/incidents/", {"tool": "chat"})) == [both.reference]
    assert _refs(client.get("/incidents/", {"tool": "GPT"})) == [both.reference]


def test_the_owner_filter_knows_me_nobody_and_a_person(record, as_person, people):
    mine = record(title="Mine")
    Incident.objects.filter(pk=mine.pk).update(owner=people["manager"])
    theirs = record(title="Theirs")
    Incident.objects.filter(pk=theirs.pk).update(owner=people["responder"])
    unowned = record(title="Nobody's")
    client = as_person("manager")
    assert _refs(client.get("/incidents/", {"owner": "me"})) == [mine.reference]
    assert _refs(client.get("/incidents/", {"owner": "nobody"})) == [unowned.reference]
    assert _refs(client.get("/incidents/", {"owner": "p-responder"})) == [theirs.reference]
    page = client.get("/incidents/").content.decode()
    assert "nobody yet" in page


def _late_evening(record):
    """23:30 UTC on 19 November is 00:30 on the 20th in Brussels, the organisation's zone."""
    return record(detected_at=datetime(2026, 11, 19, 23, 30, tzinfo=UTC))


def test_a_day_is_the_organisations_day_on_the_web(record, as_person):
    incident = _late_evening(record)
    client = as_person("manager")
    assert _refs(client.get("/incidents/", {"detected_from": "2026-11-20"})) == [incident.reference]
    assert _refs(client.get("/incidents/", {"detected_to": "2026-11-19"})) == []


def test_a_day_is_the_organisations_day_in_the_api_too(record, client, people):
    """The API runs in UTC: before, 2026-11-20 began at midnight UTC there and missed this incident."""
    from incidentdesk.accounts.tokens import create_token

    incident = _late_evening(record)
    token = create_token(user=people["manager"], name="t", scopes=["read"], by=None)[1]
    answer = client.get("/api/incidents", {"detected_from": "2026-11-20"}, headers={"Authorization": f"Bearer {token}"})
    assert [i["reference"] for i in answer.json()["results"]] == [incident.reference]


def test_the_api_filters_by_owner_and_part_of_a_tool(record, client, people):
    from incidentdesk.accounts.tokens import create_token

    mine = record(tools=["ChatGPT Team"])
    Incident.objects.filter(pk=mine.pk).update(owner=people["manager"])
    record(title="Other", tools=["ChatGPT Team"])
    token = create_token(user=people["manager"], name="t", scopes=["read"], by=None)[1]
    answer = client.get("/api/incidents", {"owner": "me", "tool": "chatgpt"},
                        headers={"Authorization": f"Bearer {token}"}).json()
    assert [(i["reference"], i["owner"]) for i in answer["results"]] == [(mine.reference, "p-manager")]


@pytest.mark.parametrize(("today", "found"), [(datetime(2026, 12, 15, 12, tzinfo=UTC), True),
                                              (datetime(2027, 1, 5, 12, tzinfo=UTC), False)])
def test_this_quarter_is_read_on_the_day_the_view_is_used(record, as_person, today, found):
    incident = record(detected_at=datetime(2026, 10, 1, 9, tzinfo=UTC))
    with time_machine.travel(today, tick=False):
        refs = _refs(as_person("manager").get("/incidents/", {"period": "this_quarter"}))
    assert refs == ([incident.reference] if found else [])


def test_an_unknown_owner_or_period_is_told_and_filters_nothing_away(record, as_person):
    record()
    page = as_person("manager").get("/incidents/", {"owner": "nobody-by-that-name", "period": "someday"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


def test_the_default_view_says_how_many_exercises_it_hides_and_why_numbers_are_missing(record, as_person):
    """Decision 192: exercises take real numbers, so the default view explains the gap an auditor sees."""
    first = record(title="Chatbot leak")
    exercise = record(title="Tabletop: chatbot leak", exercise=True)
    record(title="Translation error")
    client = as_person("manager")
    note = "1 exercise hidden: their numbers are missing here — show them with the Exercises filter"
    page = client.get("/incidents/")
    assert exercise.reference not in _refs(page)
    assert note in page.content.decode()
    assert note not in client.get("/incidents/", {"exercises": "include"}).content.decode()
    assert note not in client.get("/incidents/", {"q": "Translation"}).content.decode()  # none hidden by this set
    assert note in client.get("/incidents/", {"q": "chatbot"}).content.decode()
    assert first.reference in _refs(client.get("/incidents/", {"q": "chatbot"}))
