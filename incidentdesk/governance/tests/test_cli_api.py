"""The CLI and the API do what the web pages do, with the same refusals."""

import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from incidentdesk.accounts.tokens import create_token
from incidentdesk.governance.models import DocumentVersion, VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-12-02 09:00:00+00:00", tick=False):
        yield


def _cli(user, *args):
    import io

    out = io.StringIO()
    call_command("incidentdesk", "--as", user.get_username(), "documents", *args, stdout=out)
    return out.getvalue()


def test_generate_diff_approve_publish_from_the_command_line(people):
    manager, admin = people["manager"], people["administrator"]
    assert "version 1 is a draft" in _cli(manager, "generate", "incident_procedure")
    _cli(manager, "submit", "incident_procedure", "1")
    assert "in force from 2026-12-02" in _cli(admin, "approve", "incident_procedure", "1")
    assert "public at" in _cli(manager, "publish", "incident_procedure")
    shown = json.loads(_cli(people["viewer"], "show", "incident_procedure", "--json"))
    assert shown["control"]["Status"] == "In force"
    assert "## 4. Severity levels" in shown["body"]
    _cli(manager, "generate", "incident_procedure")
    assert "Version 2 against version 1: No change" in _cli(people["viewer"], "diff", "incident_procedure", "2")
    listing = json.loads(_cli(people["viewer"], "list", "--json"))
    assert [row["in_force"] for row in listing if row["kind"] == "incident_procedure"] == [1]


def test_the_cli_refuses_a_viewer_and_stores_nothing(people):
    with pytest.raises(CommandError, match="does not allow this"):
        _cli(people["viewer"], "generate", "incident_policy")
    with pytest.raises(CommandError, match="no version 7"):
        _cli(people["manager"], "submit", "incident_policy", "7")
    assert not DocumentVersion.objects.exists()


def test_the_api_walks_the_same_life_cycle(people, client):
    def token(name):
        return {"HTTP_AUTHORIZATION": "Bearer " + create_token(user=people[name], name="t",
                                                                 scopes=["read", "write"], by=None)[1]}

    manager, admin = token("manager"), token("administrator")
    made = client.post("/api/documents/incident_policy/generate", **manager).json()
    assert made["status"] == "draft"
    assert made["control"][0]["label"] == "Document"
    edited = client.patch("/api/documents/incident_policy/versions/1", json.dumps({"body": ""}),
                          content_type="application/json", **manager)
    assert edited.status_code == 422
    assert "cannot be empty" in edited.json()["detail"]
    client.post("/api/documents/incident_policy/versions/1/submit", **manager)
    own = client.post("/api/documents/incident_policy/versions/1/approve", "{}", content_type="application/json",
                      **admin)
    assert own.status_code == 200
    assert own.json()["status"] == VersionStatus.IN_FORCE
    listing = client.get("/api/documents", **manager).json()
    assert next(d for d in listing if d["kind"] == "incident_policy")["in_force"] == 1
    diff = client.get("/api/documents/incident_policy/versions/1/diff", **manager).json()
    assert diff == {"against": None, "summary": "No change", "sections": []}
    assert client.get("/api/documents/nothing", **manager).status_code == 404
