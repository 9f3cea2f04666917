"""Regression tests for the bug list of "One incident, one truth" that no other module covered yet.

- (e) the reporter follows its own report on a status page: not the workspace (GDPR deliberation,
  activity), not the report PDF;
- (f) a read token that tries any write operation of the API (walked from the routers, so an operation
  added later is covered) gets 403 and stores nothing;
- (g) the CLI records a person's decisions (GDPR decision, settling by hand) under the person's name;
- a closed incident's refusal in the web's edit-facts and draft forms is a message, not a server error
  (those views caught only their own refusal type, so ``IncidentClosed`` became a 500).
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import NOW, table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Incident


@pytest.fixture(autouse=True)
def pinned(time_machine):
    time_machine.move_to(NOW, tick=False)


# (e) ------------------------------------------------------------------------------------------------------

def test_a_reporter_gets_a_status_page_of_its_own_report_not_the_workspace(organisation, people, as_person):
    from incidentdesk.breaches.services import decide_breach
    from incidentdesk.incidents.services import record_incident

    own = record_incident(title="Bot showed me another learner's marks", description="Marks of Jan",
                          detected_at=NOW, by=people["reporter"], facts={"personal_data": {"involved": True}})
    decide_breach(incident=own, notify_authority=False, communicate_subjects=False,
                  reasons="SECRET-DELIBERATION: one record, low risk", by=people["manager"])
    client = as_person("reporter")
    page = client.get(f"/incidents/{own.reference}/")
    assert page.status_code == 200
    assert "incidents/report_status.html" in [t.name for t in page.templates]
    text = page.content.decode()
    assert own.reference in text
    assert "Bot showed me" in text
    for private in ("SECRET-DELIBERATION", "GDPR breach assessment", 'id="activity-title"', 'id="clocks-title"',
                    "report.pdf"):
        assert private not in text, private
    for url in (f"/incidents/{own.reference}/report.pdf", f"/incidents/{own.reference}/report.docx",
                f"/incidents/{own.reference}/edit/"):
        assert client.get(url).status_code == 403, url
    assert not AuditEvent.objects.filter(action="report.exported").exists()


# (f) ------------------------------------------------------------------------------------------------------

def _operations(scopes):
    from incidentdesk.api import api

    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                needed = {getattr(a, "scope", None) for a in operation.auth_callbacks or []}
                if needed & set(scopes):
                    for method in operation.methods:
                        yield method, prefix + path


WRITES = sorted(_operations(("write", "intake")))


def test_the_walk_finds_the_write_operations():
    assert ("PATCH", "/incidents/{reference}/facts") in WRITES
    assert ("POST", "/incidents/{reference}/obligations/{rule_id}/settle") in WRITES
    assert len(WRITES) >= 25


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_a_read_token_that_tries_to_write_gets_403(client, people, record, method, path):
    from incidentdesk.accounts.tokens import create_token

    incident = record()
    _, token = create_token(user=people["administrator"], name="reader", scopes=["read"], by=None)
    url = "/api" + re.sub(r"\{int:\w+\}", "1", path).replace("{reference}", incident.reference).replace(
        "{rule_id}", "PROC-6-5-RCA")
    before = table_counts()
    response = getattr(client, method.lower())(url, data="{}", content_type="application/json",
                                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert table_counts() == before


# (g) ------------------------------------------------------------------------------------------------------

def test_the_cli_records_a_gdpr_decision_and_a_settlement_under_the_persons_name(record, cli_user):
    incident = record(facts={"personal_data": {"involved": True}})
    out = StringIO()
    call_command("incidentdesk", "decide", incident.reference, "--no-notify", "--no-communicate",
                 "--reason", "One record, encrypted", stdout=out)
    call_command("incidentdesk", "--as", "manager", "settle", incident.reference, "PROC-6-3-CLASSIFY",
                 "--reason", "Classified at the triage meeting", "--at", "2026-11-22T10:00", stdout=out)
    events = AuditEvent.objects.filter(incident_ref=incident.reference, actor_name="manager")
    actions = set(events.values_list("action", flat=True))
    assert any("decid" in a or "breach" in a for a in actions), actions
    assert any("settled" in a for a in actions), actions
    assert set(AuditEvent.objects.filter(incident_ref=incident.reference).values_list("actor_name", flat=True)) == {
        "manager"}
    assessment = incident.breach_assessment
    assessment.refresh_from_db()
    assert assessment.decided_by == cli_user
    settled = incident.obligations.get(rule_id="PROC-6-3-CLASSIFY")
    assert settled.completed_by == cli_user


# The web's draft forms ------------------------------------------------------------------------------------

def test_draft_forms_of_a_closed_incident_refuse_with_a_message_and_store_nothing(record, manager, as_person):
    from incidentdesk.notifications.services import create_draft

    incident = record()
    draft = create_draft(incident=incident, kind="client_notice", by=manager)
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    client = as_person("manager")
    before = table_counts()
    base = f"/incidents/{incident.reference}/drafts/"
    for url, data in [(base, {"kind": "client_notice"}),
                      (f"{base}{draft.pk}/", {"subject": "New", "body": "Changed"}),
                      (f"{base}{draft.pk}/send/", {"recipient": "Client BV", "channel": "email",
                                                   "sent_at": "2026-11-22T10:00"})]:
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 400), (url, response.status_code)
        assert "is closed" in response.content.decode(), url
        assert table_counts() == before, url

