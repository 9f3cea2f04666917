"""Every workspace operation of the API, with the same guards as the web: a viewer's write is a 403, a
restricted incident the token owner is not named on is a 404 (never a 403), an id from another incident
is a 404, and a closed incident refuses every change with a 409 — each time storing nothing."""

import pytest

from incidentdesk.incidents.models import Incident, Status

from .conftest import NOW, row_counts, upload

SENT = {"recipient": "Client BV", "channel": "email", "sent_at": "2026-11-21T10:00:00+01:00"}
PLAN = {"description": "Retrain the support team", "assignee": "p-manager", "due_on": "2026-12-01"}
RCA = {"what_happened": "It invented a policy"}

# (method, path under /incidents/{ref}, body, capability the web view requires)
WRITES = [
    ("post", "/containment", {"kind": "stop_operation", "taken_at": "2026-11-20T10:00:00Z", "taken_by": "Ops"}),
    ("post", "/evidence", "upload"),
    ("post", "/gdpr-decision", {"notify_authority": False, "communicate_subjects": False, "reasons": "Low risk"}),
    ("post", "/notifications", SENT),
    ("post", "/drafts", {"kind": "client_notice"}),
    ("put", "/drafts/{draft}", {"subject": "Notice", "body": "Our chatbot was wrong."}),
    ("post", "/drafts/{draft}/send", SENT),
    ("put", "/rca", RCA),
    ("post", "/rca/complete", RCA),
    ("post", "/corrective-actions", PLAN),
    ("post", "/corrective-actions/{action}/implemented", None),
    ("post", "/corrective-actions/{action}/verification", {"effective": True, "result": "ok", "method": "check"}),
    ("post", "/corrective-actions/{action}/acceptance", {"reason": "Superseded by the new policy"}),
    ("post", "/lessons", {"target": "training", "text": "Train the team"}),
    ("post", "/lessons/{lesson}/decision", {"accept": True}),
]
READS = ["/containment", "/evidence", "/evidence/{evidence}/file", "/gdpr-decision", "/notifications", "/drafts",
         "/drafts/{draft}", "/rca", "/corrective-actions", "/lessons", "/report/docx", "/drafts/{draft}/export/docx"]
BY_ID = [p for _, p, _ in WRITES if "{" in p] + [p for p in READS if "{" in p]


@pytest.fixture(autouse=True)
def pinned(time_machine):
    time_machine.move_to(NOW, tick=False)


def send(api, method, path, body, persona="manager", scopes=("read", "write")):
    if body == "upload":
        return api(method, path, persona, scopes, data={"file": upload(), "description": "Chat export"})
    if body is None:
        return api(method, path, persona, scopes)
    return api(method, path, persona, scopes, json=body)


def _path(template, ids, ref=None):
    return f"/incidents/{ref or ids['ref']}" + template.format(**ids)


@pytest.mark.parametrize(("method", "template", "body"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_a_viewer_cannot_write_and_nothing_is_stored(api, workspace, method, template, body):
    _, ids = workspace
    before = row_counts()
    response = send(api, method, _path(template, ids), body, persona="viewer")
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert row_counts() == before


@pytest.mark.parametrize(("method", "template", "body"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_a_read_token_cannot_write(api, workspace, method, template, body):
    _, ids = workspace
    before = row_counts()
    assert send(api, method, _path(template, ids), body, scopes=("read",)).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize(("method", "template", "body"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_a_closed_incident_refuses_every_change(api, workspace, method, template, body):
    incident, ids = workspace
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    before = row_counts()
    response = send(api, method, _path(template, ids), body)
    assert response.status_code == 409, response.content
    assert "closed" in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(("method", "template", "body"), WRITES + [("get", p, None) for p in READS],
                         ids=[f"{m} {p}" for m, p, _ in WRITES] + [f"get {p}" for p in READS])
def test_a_restricted_incident_not_named_on_is_a_404(api, workspace, hidden, method, template, body):
    _, ids = workspace
    before = row_counts()
    response = send(api, method, _path(template, ids, ref=hidden.reference), body)
    assert response.status_code == 404, response.content
    assert hidden.reference in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize("template", BY_ID)
def test_an_id_from_another_incident_is_a_404(api, workspace, record, template):
    _, ids = workspace
    other = record(title="Another incident")
    method, body = next(((m, b) for m, p, b in WRITES if p == template), ("get", None))
    before = row_counts()
    response = send(api, method, _path(template, ids, ref=other.reference), body)
    assert response.status_code == 404, response.content
    assert row_counts() == before


def test_reads_work_for_a_viewer(api, workspace):
    _, ids = workspace
    for template in READS:
        if template == "/gdpr-decision":
            continue  # this incident involves no personal data: no breach assessment (404, tested elsewhere)
        response = api("get", _path(template, ids), "viewer", ("read",))
        assert response.status_code == 200, (template, response.content)


def test_deciding_a_lesson_needs_the_classify_capability(api, workspace):
    _, ids = workspace
    before = row_counts()
    response = api("post", _path("/lessons/{lesson}/decision", ids), "responder", json={"accept": True})
    assert response.status_code == 403
    assert "classify" in response.json()["detail"]
    assert row_counts() == before


def test_a_reporter_cannot_open_the_workspace_of_its_own_report(api, people, organisation):
    from incidentdesk.incidents.services import record_incident

    own = record_incident(title="My report", description="The bot was rude.", by=people["reporter"], now=NOW,
                          detected_at=NOW, facts={"personal_data": {"involved": False}})
    response = api("get", f"/incidents/{own.reference}/containment", "reporter", ("read",))
    assert response.status_code == 403


def test_a_closed_incident_can_still_be_read_verified_and_exported(api, workspace):
    incident, ids = workspace
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    for template in READS:
        if template != "/gdpr-decision":
            assert api("get", _path(template, ids), "auditor", ("read",)).status_code == 200, template
    assert api("post", _path("/evidence/verify", ids), "auditor", ("read",)).json()["ok"] is True
