"""The incident workspace through the API: each operation succeeds with the workspace's own service, and
each refusal of that service is a problem (422/409) that stores nothing."""

import hashlib

import pytest

from incidentdesk.capa.models import CorrectiveAction
from incidentdesk.evidence.models import CustodyEvent, Evidence
from incidentdesk.lessons.models import DocumentChange

from .conftest import LOG, NOW, row_counts, upload


@pytest.fixture(autouse=True)
def pinned(time_machine):
    time_machine.move_to(NOW, tick=False)


def refused(api, method, path, status=422, match="", **kwargs):
    """The call is refused with ``status`` as problem details, and no table changed."""
    before = row_counts()
    response = api(method, path, **kwargs)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert match in response.json()["detail"], response.json()
    assert row_counts() == before
    return response


# Containment ---------------------------------------------------------------------------------------------------

def test_containment_recorded_and_listed(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/containment"
    written = api("post", path, json={"kind": "revoke_access", "taken_at": "2026-11-20T10:00:00+01:00",
                                      "taken_by": "IT", "result": "effective"})
    assert written.status_code == 201, written.content
    assert written.json()["taken_at"] == "2026-11-20T09:00:00Z"
    assert written.json()["result"] == "effective"
    listed = api("get", path, "viewer", ("read",)).json()
    assert [a["kind"] for a in listed] == ["revoke_access", "stop_operation"]  # by the time taken


def test_containment_refusals_store_nothing(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/containment"
    refused(api, "post", path, match="description: say what was done",
            json={"kind": "other", "taken_at": "2026-11-20T10:00:00Z", "taken_by": "IT"})
    refused(api, "post", path, match="lies in the future",
            json={"kind": "fallback", "taken_at": "2027-01-01T10:00:00Z", "taken_by": "IT"})
    refused(api, "post", path, match="taken_by",
            json={"kind": "fallback", "taken_at": "2026-11-20T10:00:00Z", "taken_by": "   "})
    refused(api, "post", path, json={"kind": "pray", "taken_at": "2026-11-20T10:00:00Z", "taken_by": "IT"})


# Evidence ------------------------------------------------------------------------------------------------------

def test_evidence_uploaded_downloaded_with_custody_and_verified(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/evidence"
    shot = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    written = api("post", path, data={"file": upload(shot, "screen.png"), "description": "Screenshot",
                                      "supersedes": ids["evidence"]})
    assert written.status_code == 201, written.content
    body = written.json()
    assert body["sha256"] == hashlib.sha256(shot).hexdigest()
    assert body["content_type"] == "image/png"
    assert body["supersedes_id"] == ids["evidence"]
    listed = {e["id"]: e for e in api("get", path, "viewer", ("read",)).json()}
    assert listed[ids["evidence"]]["current"] is False
    assert [c["action"] for c in listed[ids["evidence"]]["custody"]] == ["added", "superseded"]

    download = api("get", f"{path}/{body['id']}/file", "viewer", ("read",))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == body["sha256"] == download["X-Content-SHA256"]
    assert CustodyEvent.objects.filter(evidence_id=body["id"], action="viewed").count() == 1

    verified = api("post", f"{path}/verify", "viewer", ("read",))
    assert verified.json() == {"ok": True, "checked": 2, "mismatched": []}


def test_verify_names_a_file_changed_on_disk(api, workspace):
    _, ids = workspace
    row = Evidence.objects.get(pk=ids["evidence"])
    path = row.file.path
    import os

    os.chmod(path, 0o640)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    response = api("post", f"/incidents/{ids['ref']}/evidence/verify")
    assert response.json() == {"ok": False, "checked": 1, "mismatched": ["chat.log"]}


def test_evidence_refusals_store_nothing(api, workspace, settings):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/evidence"
    refused(api, "post", path, match="not a .png file", data={"file": upload(b"MZ\x90\x00 exe", "shot.png")})
    refused(api, "post", path, match="is not accepted", data={"file": upload(b"#!/bin/sh", "run.sh")})
    refused(api, "post", path, match="empty", data={"file": upload(b"", "empty.log")})
    settings.EVIDENCE_MAX_BYTES = 100
    refused(api, "post", path, match="larger than the limit", data={"file": upload(LOG * 3)})
    refused(api, "post", path, 404, data={"file": upload(), "supersedes": 999999})
    refused(api, "post", path, data={})  # no file at all


# GDPR decision -------------------------------------------------------------------------------------------------

def test_gdpr_decision_recorded_beside_the_recommendation(api, record):
    incident = record(facts={"published_externally": False, "personal_data": {"involved": True}})
    path = f"/incidents/{incident.reference}/gdpr-decision"
    assert api("get", path).json()["decided_notify_authority"] is None
    written = api("post", path, json={"notify_authority": True, "communicate_subjects": False,
                                      "reasons": "Health data of one learner"})
    assert written.status_code == 200, written.content
    assert written.json()["decided_notify_authority"] is True
    assert written.json()["decided_at"].endswith("Z")


def test_gdpr_decision_refusals(api, workspace, record, people):
    _, ids = workspace
    refused(api, "post", f"/incidents/{ids['ref']}/gdpr-decision", match="no breach assessment",
            json={"notify_authority": True, "communicate_subjects": False, "reasons": "x"})
    incident = record(facts={"personal_data": {"involved": True}})
    refused(api, "post", f"/incidents/{incident.reference}/gdpr-decision", match="written reasons",
            json={"notify_authority": True, "communicate_subjects": False, "reasons": "  "})
    refused(api, "post", f"/incidents/{incident.reference}/gdpr-decision", 403, persona="responder",
            json={"notify_authority": True, "communicate_subjects": False, "reasons": "x"})


# Notifications and drafts --------------------------------------------------------------------------------------

def test_a_draft_written_edited_and_sent_completes_its_obligation(api, workspace):
    incident, ids = workspace
    path = f"/incidents/{ids['ref']}/drafts"
    rule = incident.obligations.filter(status="pending").first()
    created = api("post", path, json={"kind": "client_notice", "rule_id": rule.rule_id})
    assert created.status_code == 201, created.content
    first = created.json()
    assert first["version"] == 1
    assert first["latest"]
    assert not first["sent"]
    assert incident.reference in first["body"]
    edited = api("put", f"{path}/{first['id']}", json={"subject": "Our chatbot was wrong", "body": "Sorry."})
    assert edited.status_code == 201
    assert edited.json()["version"] == 2
    assert api("get", f"{path}/{first['id']}").json()["latest"] is False
    refused(api, "post", f"{path}/{first['id']}/send", match="not the latest",
            json={"recipient": "Client BV", "channel": "email", "sent_at": "2026-11-21T10:00:00Z"})
    sent = api("post", f"{path}/{edited.json()['id']}/send",
               json={"recipient": "Client BV", "channel": "portal", "sent_at": "2026-11-21T10:00:00+01:00",
                     "reference": "CL-1"})
    assert sent.status_code == 201, sent.content
    assert sent.json()["rule_id"] == rule.rule_id
    assert sent.json()["reference"] == "CL-1"
    rule.refresh_from_db()
    assert rule.completed_at is not None
    assert [n["recipient"] for n in api("get", f"/incidents/{ids['ref']}/notifications").json()] == ["Client BV"]
    assert {d["version"]: d["sent"] for d in api("get", path).json() if d["rule_id"] == rule.rule_id} == \
        {1: False, 2: True}
    refused(api, "put", f"{path}/{edited.json()['id']}", match="was sent",
            json={"subject": "Again", "body": "Changed"})
    refused(api, "post", f"{path}/{edited.json()['id']}/send", match="already sent",
            json={"recipient": "Client BV", "channel": "email", "sent_at": "2026-11-21T10:00:00Z"})


def test_a_notification_recorded_directly_completes_its_obligation(api, workspace):
    incident, ids = workspace
    rule = incident.obligations.filter(status="pending").first()
    written = api("post", f"/incidents/{ids['ref']}/notifications",
                  json={"recipient": "Client BV", "sent_at": "2026-11-21T10:00:00+01:00", "rule_id": rule.rule_id,
                        "reference": "CL-9", "summary": "Phoned and emailed"})
    assert written.status_code == 201, written.content
    assert written.json()["rule_id"] == rule.rule_id
    rule.refresh_from_db()
    assert rule.completed_at is not None
    listed = api("get", f"/incidents/{ids['ref']}/notifications", "viewer", ("read",)).json()
    assert [(n["recipient"], n["rule_id"], n["sent_at"]) for n in listed] == [
        ("Client BV", rule.rule_id, "2026-11-21T09:00:00Z")]


def test_draft_and_notification_refusals(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}"
    refused(api, "post", f"{path}/drafts", json={"kind": "love_letter"})
    refused(api, "post", f"{path}/drafts/{ids['draft']}/send", match="lies in the future",
            json={"recipient": "Client BV", "channel": "email", "sent_at": "2027-01-01T10:00:00Z"})
    refused(api, "post", f"{path}/notifications", match="no obligation",
            json={"recipient": "DPA", "sent_at": "2026-11-21T10:00:00Z", "rule_id": "NOPE-1"})
    refused(api, "post", f"{path}/notifications", match="channel",
            json={"recipient": "DPA", "sent_at": "2026-11-21T10:00:00Z", "channel": "pigeon"})


# Root-cause analysis -------------------------------------------------------------------------------------------

ANSWERS = {"what_happened": "The bot invented a refund policy", "why": "No grounding in the real policy",
           "what_was_done": "Bot switched off", "impact": "One client misled", "what_changes": "Grounding"}


def test_rca_draft_then_complete(api, workspace):
    incident, ids = workspace
    path = f"/incidents/{ids['ref']}/rca"
    saved = api("put", path, json={"why": "No grounding", "five_whys": ["no grounding", " ", "no review"]})
    assert saved.status_code == 200, saved.content
    assert saved.json()["what_happened"] == "It invented a policy"  # kept from the earlier draft
    assert saved.json()["five_whys"] == ["no grounding", "no review"]
    assert saved.json()["completed_at"] is None
    done = api("post", f"{path}/complete", json=ANSWERS | {"cause_categories": ["tool_failure"]})
    assert done.status_code == 200, done.content
    assert done.json()["completed_at"] == "2026-11-22T12:00:00Z"
    assert api("get", path, "viewer", ("read",)).json()["cause_categories"] == ["tool_failure"]
    rca = incident.obligations.filter(rule_id="PROC-6-5-RCA").first()
    assert rca is None or rca.completed_at is not None


def test_rca_refusals_store_nothing(api, workspace, record):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/rca"
    refused(api, "post", f"{path}/complete", match="answer this question", json={})
    refused(api, "post", f"{path}/complete", match="Fix the system",
            json=ANSWERS | {"cause_categories": ["human_error"]})
    refused(api, "put", path, json={"cause_categories": ["bad_luck"]})
    fresh = record(title="No analysis yet")
    refused(api, "get", f"/incidents/{fresh.reference}/rca", 404, match="no root-cause analysis")


# Corrective actions --------------------------------------------------------------------------------------------

def test_corrective_action_planned_implemented_verified(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/corrective-actions"
    planned = api("post", path, json={"kind": "preventive", "description": "Review answers weekly", "assignee": "p-manager",
                                      "due_on": "2026-12-01", "effectiveness_method": "Sample 20 answers"})
    assert planned.status_code == 201, planned.content
    action = planned.json()["id"]
    assert planned.json()["status"] == "open"
    assert not planned.json()["settled"]
    implemented = api("post", f"{path}/{action}/implemented")
    assert implemented.json()["status"] == "implemented"
    assert implemented.json()["implemented_at"] == "2026-11-22T12:00:00Z"
    verified = api("post", f"{path}/{action}/verification", json={"effective": True, "result": "No errors"})
    assert verified.json()["status"] == "effective"
    assert verified.json()["settled"]
    assert verified.json()["effectiveness_method"] == "Sample 20 answers"
    accepted = api("post", f"{path}/{ids['action']}/acceptance", json={"reason": "Replaced by the weekly review"})
    assert accepted.json()["status"] == "accepted"
    assert {a["status"] for a in api("get", path, "viewer", ("read",)).json()} == {"effective", "accepted"}


def test_corrective_action_refusals_store_nothing(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/corrective-actions"
    action = f"{path}/{ids['action']}"
    refused(api, "post", path, match="the check comes after",
            json={"description": "x", "assignee": "p-manager", "due_on": "2026-12-01", "effectiveness_due_on": "2026-11-01"})
    refused(api, "post", path, match="owner", json={"description": "x", "assignee": " ", "due_on": "2026-12-01"})
    refused(api, "post", f"{action}/verification", match="only an implemented action",
            json={"effective": True, "result": "ok", "method": "m"})
    api("post", f"{action}/implemented")
    refused(api, "post", f"{action}/implemented", match="already implemented")
    refused(api, "post", f"{action}/verification", match="effectiveness_method", json={"effective": True,
                                                                                      "result": "ok"})
    refused(api, "post", f"{action}/acceptance", match="needs a reason", json={"reason": "   "})
    api("post", f"{action}/acceptance", json={"reason": "Good enough"})
    refused(api, "post", f"{action}/acceptance", match="already settled", json={"reason": "Again"})
    assert CorrectiveAction.objects.get(pk=ids["action"]).status == "accepted"


# Lessons and the change log ------------------------------------------------------------------------------------

def test_lesson_proposed_and_accepted_writes_the_change_log(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/lessons"
    proposed = api("post", path, "responder", json={"target": "inventory", "text": "Record the bot's grounding"})
    assert proposed.status_code == 201, proposed.content
    decided = api("post", f"{path}/{proposed.json()['id']}/decision",
                  json={"accept": True, "summary": "Grounding source recorded per tool"})
    assert decided.json()["status"] == "accepted"
    changes = api("get", "/changes", "viewer", ("read",)).json()
    assert changes[0]["document"] == "inventory"
    assert ids["ref"] in changes[0]["summary"]
    assert changes[0]["lesson_id"] == proposed.json()["id"]
    rejected = api("post", f"{path}/{ids['lesson']}/decision", json={"accept": False, "reason": "Already done"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "Already done"
    assert [lesson["status"] for lesson in api("get", path).json()] == ["rejected", "accepted"]


def test_lesson_refusals_store_nothing(api, workspace):
    _, ids = workspace
    path = f"/incidents/{ids['ref']}/lessons"
    refused(api, "post", path, match="say what was learned", json={"target": "policy", "text": "  "})
    refused(api, "post", path, json={"target": "horoscope", "text": "x"})
    refused(api, "post", f"{path}/{ids['lesson']}/decision", match="say why", json={"accept": False})
    api("post", f"{path}/{ids['lesson']}/decision", json={"accept": True})
    refused(api, "post", f"{path}/{ids['lesson']}/decision", match="already accepted", json={"accept": False,
                                                                                            "reason": "x"})


def test_the_change_log_hides_changes_from_a_restricted_incident(api, hidden, manager, people):
    from incidentdesk.lessons import services as lessons

    lesson = lessons.propose(incident=hidden, target="policy", text="Secret lesson", by=people["administrator"])
    lessons.decide(lesson=lesson, accept=True, by=people["administrator"])
    assert DocumentChange.objects.count() == 1
    assert api("get", "/changes").json() == []
    assert len(api("get", "/changes", "administrator").json()) == 1
    assert api("get", "/changes", "reporter", ("read",)).status_code == 403


# Documents -----------------------------------------------------------------------------------------------------

def test_the_report_and_a_draft_as_documents(api, workspace):
    from incidentdesk.audit.models import AuditEvent

    _, ids = workspace
    pdf = api("get", f"/incidents/{ids['ref']}/report/pdf", "auditor", ("read",))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="report.exported", incident_ref=ids["ref"]).count() == 1
    docx = api("get", f"/incidents/{ids['ref']}/drafts/{ids['draft']}/export/docx", "viewer", ("read",))
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")
    assert f"{ids['ref']}-client_notice-v1.docx" in docx["Content-Disposition"]
    assert api("get", f"/incidents/{ids['ref']}/report/odt").status_code == 422


def test_control_characters_typed_into_a_field_do_not_break_the_word_report(api, workspace):
    """Found by schemathesis: a lesson with a control character made the DOCX report a 500."""
    _, ids = workspace
    assert api("post", f"/incidents/{ids['ref']}/lessons", json={"target": "policy", "text": "a\x1fb"}).status_code == 201
    docx = api("get", f"/incidents/{ids['ref']}/report/docx")
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")


# Times ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("when", ["1313-05-27T23:11:01-20:29", "2026-11-20T08:00:00-20:29", "1999-12-31T23:00:00Z"])
def test_implausible_times_are_refused_before_the_database(api, workspace, when):
    """Found by schemathesis on PostgreSQL: a year-1313 time with a -20:29 offset reached the database (500)."""
    _, ids = workspace
    before = row_counts()
    response = api("post", f"/incidents/{ids['ref']}/notifications", json={"recipient": "DPA", "sent_at": when})
    if when.startswith("2026"):  # a legal instant, however odd its offset: stored as UTC
        assert response.status_code == 201, response.content
        assert response.json()["sent_at"] == "2026-11-21T04:29:00Z"
    else:
        assert response.status_code == 422, response.content
        assert "year 2000" in response.json()["detail"]
        assert row_counts() == before
