"""Taking data out is on record (issue 10): exports of the register (web CSV and XLSX, with the filters used and
the row count; the command line), of notification drafts (web and API) and of the incident report (web and
API) are audit events naming who, which incident or filter, and which format."""

import io
import json

import pytest
from django.core.management import call_command

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify

pytestmark = pytest.mark.usefixtures("evidence_dir")


def _only(action):
    [event] = AuditEvent.objects.filter(action=action)
    return event, json.loads(event.data)


@pytest.fixture
def three(record, people):
    return [record(title=f"Incident {n}") for n in range(3)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_register_export_is_an_event_with_its_filters_and_row_count(as_person, people, three, fmt):
    response = as_person("viewer").get(f"/incidents/export.{fmt}", {"status": "open", "q": "Incident", "page": "2",
                                                                    "sort": "title", "severity": ""})
    assert response.status_code == 200
    b"".join(response.streaming_content) if fmt == "csv" else response.content
    event, data = _only("register.exported")
    assert event.actor_id == people["viewer"].pk
    assert data["after"] == {"format": fmt, "rows": 3, "filters": {"q": "Incident", "status": "open"}, "via": "web"}
    assert "Exported 3 incident(s)" in data["summary"]
    assert verify().ok


def test_an_export_counts_only_what_the_person_may_see(as_person, people, three, manager):
    from incidentdesk.incidents.access import restrict

    restrict(incident=three[0], restricted=True, people=[], by=people["administrator"])
    as_person("viewer").get("/incidents/export.xlsx")
    _, data = _only("register.exported")
    assert data["after"]["rows"] == 2


def test_a_command_line_export_is_an_event_of_the_person_named(three, cli_user, tmp_path):
    call_command("incidentdesk", "export", "--format", "json", "--output", str(tmp_path / "r.json"),
                 stdout=io.StringIO(), stderr=io.StringIO())
    event, data = _only("register.exported")
    assert event.actor_id == cli_user.pk
    assert data["after"] == {"format": "json", "rows": 3, "filters": {}, "via": "cli"}


@pytest.fixture
def draft(three, manager):
    from incidentdesk.notifications import services

    return services.create_draft(incident=three[0], kind="client_notice", rule_id="", by=manager)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_draft_exported_on_the_web_is_an_event_naming_the_incident_and_format(as_person, people, draft, fmt):
    response = as_person("viewer").get(f"/incidents/{draft.incident.reference}/drafts/{draft.pk}/{fmt}")
    assert response.status_code == 200
    event, data = _only("draft.exported")
    assert event.actor_id == people["viewer"].pk
    assert event.incident_ref == draft.incident.reference
    assert data["after"] == {"kind": "client_notice", "version": 1, "format": fmt, "via": "web"}


def test_a_draft_exported_through_the_api_is_an_event(client, people, draft):
    from incidentdesk.accounts.tokens import create_token

    _, token = create_token(user=people["auditor"], name="t", scopes=["read"], by=None)
    response = client.get(f"/api/incidents/{draft.incident.reference}/drafts/{draft.pk}/export/docx",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    event, data = _only("draft.exported")
    assert event.actor_id == people["auditor"].pk
    assert data["after"]["via"] == "api"


def test_the_incident_report_says_how_it_left(as_person, people, three):
    as_person("auditor").get(f"/incidents/{three[1].reference}/report.docx")
    event, data = _only("report.exported")
    assert event.incident_ref == three[1].reference
    assert data["after"] == {"format": "docx", "via": "web"}
