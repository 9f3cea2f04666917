"""Saved views of the register (issue 13): built-in ones, private and shared ones, in the web, API and CLI."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from conftest import table_counts
from incidentdesk.incidents import savedviews
from incidentdesk.incidents.models import Incident, SavedView
from incidentdesk.refusals import Refused


def _cli(*args) -> str:
    out = StringIO()
    call_command("incidentdesk", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_built_in_views_are_there_for_everyone(record, as_person, people):
    mine = record(title="Mine and open")
    Incident.objects.filter(pk=mine.pk).update(owner=people["manager"], severity_level=3)
    record(title="Nobody's")
    client = as_person("manager")
    page = client.get("/incidents/").content.decode()
    assert "My open incidents" in page
    assert "Level 3+ this quarter" in page
    found = client.get("/incidents/", savedviews.BUILT_IN["My open incidents"])
    assert [i.reference for i in found.context["page"].object_list] == [mine.reference]
    assert found.context["current_view"] == "My open incidents"


def test_a_person_saves_a_private_view_that_others_do_not_see(record, as_person, people):
    record()
    client = as_person("responder")
    response = client.post("/incidents/saved-views/", {"view_name": "Chatbot things", "q": "chatbot",
                                                       "tool": "chat"})
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.owner, view.shared, view.params) == (people["responder"], False, {"q": "chatbot", "tool": "chat"})
    assert "Chatbot things" in client.get("/incidents/").content.decode()
    assert "Chatbot things" not in as_person("viewer").get("/incidents/").content.decode()


def test_sharing_needs_a_manager_and_shared_views_reach_everyone(organisation, people):
    with pytest.raises(Refused, match="only an incident manager"):
        savedviews.save_view(user=people["responder"], name="Team", params={"status": "open"}, shared=True)
    savedviews.save_view(user=people["manager"], name="Team", params={"status": "open"}, shared=True)
    assert "Team" in [v.name for v in savedviews.views_for(people["viewer"])]


@pytest.mark.parametrize(("name", "params", "words"), [
    ("", {"status": "open"}, "name: give the view a name"),
    ("Empty", {}, "choose at least one filter"),
    ("Bad", {"severity": "9"}, "Severity: Select a valid choice"),
    ("My open incidents", {"status": "open"}, "built-in view"),
])
def test_a_bad_view_is_refused_in_words_and_nothing_stored(organisation, people, name, params, words):
    before = table_counts() | {"views": SavedView.objects.count()}
    with pytest.raises(Refused, match=words):
        savedviews.save_view(user=people["manager"], name=name, params=params)
    assert table_counts() | {"views": SavedView.objects.count()} == before


def test_a_view_is_deleted_only_by_its_owner(organisation, people):
    view = savedviews.save_view(user=people["manager"], name="Mine", params={"status": "open"})
    with pytest.raises(Refused):
        savedviews.delete_view(user=people["responder"], pk=view.pk)
    savedviews.delete_view(user=people["manager"], pk=view.pk)
    assert not SavedView.objects.exists()


def test_the_cli_uses_a_view_by_name(record, cli_user):
    with time_machine.travel(datetime(2026, 11, 25, tzinfo=UTC), tick=False):
        high = record(title="High one")
        Incident.objects.filter(pk=high.pk).update(severity_level=4)
        record(title="Low one")
        out = _cli("register", "--view", "level 3+ this quarter", "--json")
    assert [row["reference"] for row in json.loads(out)] == [high.reference]
    assert "My open incidents" in _cli("views")


def test_the_cli_refuses_an_unknown_view_with_the_names_it_knows(record, cli_user):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="My open incidents"):
        _cli("register", "--view", "no such view")


def test_the_api_lists_saves_and_deletes_views(organisation, client, people):
    from incidentdesk.accounts.tokens import create_token

    token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)[1]
    auth = {"Authorization": f"Bearer {token}"}
    made = client.post("/api/saved-views", {"name": "Vendor X", "filters": {"tag": "vendor-x"}},
                       content_type="application/json", headers=auth)
    assert made.status_code == 201, made.content
    names = [v["name"] for v in client.get("/api/saved-views", headers=auth).json()]
    assert names == ["My open incidents", "Level 3+ this quarter", "Vendor X"]
    assert client.delete(f"/api/saved-views/{made.json()['id']}", headers=auth).status_code == 204
    refused = client.post("/api/saved-views", {"name": "Bad", "filters": {"period": "someday"}},
                          content_type="application/json", headers=auth)
    assert refused.status_code == 422
    assert "Detected in" in refused.content.decode()
