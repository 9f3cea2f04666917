"""One incident, one truth: a closed incident is read-only everywhere (web, API, CLI, admin) until it is
reopened with a reason.

A level 3 personal-data incident is taken to closed through the services, with the GDPR notification
to the authority decided and sent (its obligation done). Then every channel tries to change it; each
refusal is clear and nothing changes: not a row in any table, not the incident's fields, not an
obligation's status, not the audit log. The reported bug: a definitive downgrade of a closed incident
turned its done GDPR obligation into "not required". Reopening with a reason (the status form) unlocks it.
"""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Incident

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
HARM = dict.fromkeys(("death", "serious_health_harm", "critical_infrastructure_disruption",
                      "fundamental_rights_breach", "serious_property_or_environment_harm",
                      "widespread_infringement", "imminent_risk_of_death_or_injury",
                      "algorithmic_discrimination", "critical_safety_incident"), False)
FACTS = {
    "published_externally": False, "caught_in_review": False, "client_data_affected": False,
    "automated_decision_without_human_review": False, "significant_incident": False, "major_ict_incident": False,
    "clients_financial_interests_affected": False, "harm": HARM,
    "personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["health"],
                      "data_subjects": 1, "records": 1, "encrypted": False, "exfiltrated": True,
                      "recipient": "untrusted", "identifiability": "maximum", "malicious": False,
                      "vulnerable_subjects": False},
}
GDPR_SA = "GDPR-33-1-SA"


pytestmark = pytest.mark.usefixtures("evidence_dir")  # conftest.py: evidence in a folder per test


@pytest.fixture
def closed(people, organisation, time_machine):
    """A level 3 health-data incident, closed, with the authority notified (GDPR-33-1-SA done)."""
    from incidentdesk.breaches.services import decide_breach
    from incidentdesk.capa import services as capa
    from incidentdesk.containment.services import contain
    from incidentdesk.evidence.services import add_evidence
    from incidentdesk.incidents import lifecycle
    from incidentdesk.incidents.services import classify, record_incident
    from incidentdesk.inventory.services import save_tool
    from incidentdesk.investigation.services import save_analysis
    from incidentdesk.lessons import services as lessons
    from incidentdesk.notifications.services import record_notification

    by = people["manager"]
    time_machine.move_to(T0, tick=False)
    save_tool(by=by, name="ChatGPT Team")
    incident = record_incident(title="Learner's health data pasted into ChatGPT", by=by,
                               description="A coach pasted a learner's medical note into ChatGPT.",
                               detected_at=T0 - timedelta(hours=1), tools=["ChatGPT Team"],
                               categories=["privacy"], data_classes=["health"], facts=FACTS)
    assert incident.severity_level == 3

    def move(to, reason=""):
        lifecycle.transition(incident=incident, to=to, by=by, reason=reason)

    time_machine.move_to(T0 + timedelta(minutes=30), tick=False)
    contain(incident=incident, kind="stop_operation", taken_at=T0 + timedelta(minutes=20), taken_by="Founder",
            description="Chat deleted", result="effective", by=by)
    move("contained")
    add_evidence(incident=incident, stream=io.BytesIO(b"coach: summarise this medical note\n"), name="chat.txt", by=by)
    time_machine.move_to(T0 + timedelta(hours=3), tick=False)
    classify(incident=incident, level=3, reasoning="Health data of one learner shared with an AI service", by=by)
    move("classified")
    decide_breach(incident=incident, notify_authority=True, communicate_subjects=False,
                  reasons="Health data: notify the authority; the learner is told in person", by=by)
    time_machine.move_to(T0 + timedelta(hours=20), tick=False)
    for o in incident.obligations.filter(completed_at__isnull=True, status__in=("pending", "overdue")):
        if o.rule_id not in ("PROC-6-5-RCA", "PROC-6-3-CLASSIFY"):
            record_notification(incident=incident, recipient=o.recipient or "Belgian DPA", rule_id=o.rule_id,
                                channel="portal", sent_at=T0 + timedelta(hours=19), by=by)
    move("notified")
    time_machine.move_to(T0 + timedelta(days=3), tick=False)
    move("investigating")
    save_analysis(incident=incident, by=by, complete=True, what_happened="Medical note pasted into ChatGPT",
                  why="The policy was silent on health data", what_was_done="Chat deleted, DPA notified",
                  impact="One learner", what_changes="Policy forbids special-category data",
                  cause_categories=["policy_gap"])
    action = capa.plan(incident=incident, description="Add a special-category rule to the policy", assignee=by,
                       due_on=date(2026, 11, 23), by=by)
    capa.implement(action=action, by=by)
    capa.verify(action=action, effective=True, result="20 chats checked", method="Spot check", by=by)
    lesson = lessons.propose(incident=incident, target="policy", text="Say which data never goes into AI", by=by)
    lessons.decide(lesson=lesson, accept=True, by=by, summary="Section 3: no special-category data")
    time_machine.move_to(T0 + timedelta(days=10), tick=False)
    move("resolved")
    move("closed")
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert incident.obligations.get(rule_id=GDPR_SA).status == "done"
    assert all(o.status in ("done", "not_required") for o in incident.obligations.all())
    return incident


def snapshot(incident):
    """Everything that must not move while the incident is closed."""
    row = Incident.objects.get(pk=incident.pk)
    fields = {f.attname: getattr(row, f.attname) for f in Incident._meta.concrete_fields}
    return {"tables": table_counts(), "incident": fields,
            "obligations": sorted(row.obligations.values_list("rule_id", "status", "completed_at", "settlement")),
            "audit": AuditEvent.objects.count()}


def ids_of(incident):
    return {"containment": incident.containment_actions.get().pk, "evidence": incident.evidence.get().pk,
            "action": incident.corrective_actions.get().pk, "lesson": incident.lessons.get().pk}


def web_posts(incident):
    """(name, url, data) for every change form of the workspace."""
    ref, ids = incident.reference, ids_of(incident)
    base = f"/incidents/{ref}/"
    return [
        ("edit facts", base + "edit/", {"title": "Changed title", "description": "Changed",
                                        "detection_source": "own_observation", "detected_at": "2026-11-16T09:00"}),
        ("classify downgrade", base + "classify/", {"classify-level": "2", "classify-reasoning": "Not so bad"}),
        ("gdpr decision", base + "gdpr-decision/", {"decision-notify_authority": "no",
                                                    "decision-communicate_subjects": "no",
                                                    "decision-reasons": "Changed our mind"}),
        ("containment", base + "containment/", {"containment-kind": "revoke_access",
                                                "containment-taken_at": "2026-11-26T10:00",
                                                "containment-taken_by": "Ops", "containment-result": "effective"}),
        ("corrective action", base + "capa/", {"capa-kind": "corrective", "capa-description": "Another action",
                                               "capa-assignee": "p-manager", "capa-due_on": "2026-12-20"}),
        ("corrective step", base + f"capa/{ids['action']}/", {"step": "accept", "note": "Superseded"}),
        ("lesson", base + "lessons/", {"lesson-target": "training", "lesson-text": "Too late"}),
        ("lesson decision", base + f"lessons/{ids['lesson']}/", {"accept": "no", "note": "Changed"}),
        ("rca", base + "rca/", {"rca-what_happened": "Rewritten history"}),
        ("draft", base + "drafts/", {"kind": "authority_report", "rule_id": GDPR_SA}),
        ("settle", base + f"obligations/{GDPR_SA}/settle/", {"reason": "Not applicable after all"}),
        ("settle rca", base + "obligations/PROC-6-5-RCA/settle/", {"reason": "Not applicable after all"}),
        ("owner", base + "owner/", {"owner": "p-administrator"}),
        ("assign containment", base + f"containment/{ids['containment']}/assign/", {"assignee": "p-responder"}),
        ("containment result", base + f"containment/{ids['containment']}/result/", {"result": "partial"}),
        ("assign action", base + f"capa/{ids['action']}/assign/", {"assignee": "p-responder"}),
        ("assign lesson", base + f"lessons/{ids['lesson']}/assign/", {"assignee": "p-manager"}),
        ("assign clock", base + f"obligations/{GDPR_SA}/assign/", {"assignee": "p-responder"}),
    ]


def test_a_closed_incident_is_read_only_on_the_web_until_reopened_with_a_reason(closed, client, people):
    client.force_login(people["manager"])
    before = snapshot(closed)
    for name, url, data in web_posts(closed):
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 400), (name, response.status_code)
        assert "is closed and can no longer be changed" in response.content.decode(), name
        assert snapshot(closed) == before, name
    upload = io.BytesIO(b"late evidence")
    upload.name = "late.txt"
    response = client.post(f"/incidents/{closed.reference}/evidence/", {"evidence-file": upload}, follow=True)
    assert "is closed" in response.content.decode()
    assert snapshot(closed) == before

    # The closed workspace offers no change forms, only the way back.
    page = client.get(f"/incidents/{closed.reference}/").content.decode()
    assert 'name="containment-kind"' not in page
    assert f"/incidents/{closed.reference}/edit/" not in page
    assert 'name="classify-level"' not in page
    assert 'name="reason"' in page
    assert 'value="investigating"' in page

    # Reopen with a reason: the move is audited, and a change is possible again.
    refused = client.post(f"/incidents/{closed.reference}/status/", {"to": "investigating"}, follow=True)
    assert "reason" in refused.content.decode()
    assert Incident.objects.get(pk=closed.pk).status == "closed"
    client.post(f"/incidents/{closed.reference}/status/", {"to": "investigating", "reason": "The DPA asked more"})
    assert Incident.objects.get(pk=closed.pk).status == "investigating"
    assert AuditEvent.objects.filter(action="incident.reopened", incident_ref=closed.reference).exists()
    name, url, data = web_posts(closed)[3]  # containment
    client.post(url, data)
    assert closed.containment_actions.count() == 2


def test_a_definitive_downgrade_of_a_closed_incident_keeps_its_gdpr_obligation_done(closed, client, people):
    """The reported bug: the downgrade went through and flipped GDPR-33-1-SA from done to not_required."""
    client.force_login(people["manager"])
    client.post(f"/incidents/{closed.reference}/classify/", {"classify-level": "1", "classify-reasoning": "Minor"})
    closed.refresh_from_db()
    assert closed.severity_level == 3
    assert closed.obligations.get(rule_id=GDPR_SA).status == "done"


@pytest.fixture
def api(client, people):
    from incidentdesk.accounts.tokens import create_token

    _, token = create_token(user=people["manager"], name="test", scopes=["read", "write"], by=None)

    def _call(method, path, **kwargs):
        if "json" in kwargs:
            kwargs = {"data": kwargs.pop("json"), "content_type": "application/json"}
        return getattr(client, method)(f"/api/incidents/{path}", headers={"Authorization": f"Bearer {token}"},
                                       **kwargs)
    return _call


def test_a_closed_incident_is_read_only_in_the_api(closed, api):
    ref, ids = closed.reference, ids_of(closed)
    writes = [
        ("patch", f"{ref}/facts", {"changes": {"title": "Changed", "harm.death": True}}),
        ("post", f"{ref}/classify", {"level": 2, "reasoning": "Not so bad"}),
        ("post", f"{ref}/gdpr-decision", {"notify_authority": False, "communicate_subjects": False,
                                          "reasons": "Changed our mind"}),
        ("post", f"{ref}/containment", {"kind": "stop_operation", "taken_at": "2026-11-26T10:00:00Z",
                                        "taken_by": "Ops"}),
        ("post", f"{ref}/corrective-actions", {"description": "Another", "assignee": "p-manager", "due_on": "2026-12-20"}),
        ("post", f"{ref}/corrective-actions/{ids['action']}/acceptance", {"reason": "Superseded"}),
        ("post", f"{ref}/lessons", {"target": "training", "text": "Too late"}),
        ("put", f"{ref}/rca", {"what_happened": "Rewritten"}),
        ("post", f"{ref}/drafts", {"kind": "authority_report", "rule_id": GDPR_SA}),
        ("post", f"{ref}/notifications", {"recipient": "DPA", "channel": "email",
                                          "sent_at": "2026-11-26T10:00:00Z"}),
        ("post", f"{ref}/obligations/{GDPR_SA}/settle", {"reason": "Not applicable"}),
    ]
    before = snapshot(closed)
    for method, path, body in writes:
        response = api(method, path, json=body)
        assert response.status_code == 409, (method, path, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert "is closed" in response.json()["detail"], path
        assert snapshot(closed) == before, path


CLI = [
    ["update", "{ref}", "--set", "title=Changed"],
    ["update", "{ref}", "--set", "harm.death=true"],
    ["classify", "{ref}", "--level", "2", "--reason", "Not so bad"],
    ["decide", "{ref}", "--no-notify", "--no-communicate", "--reason", "Changed our mind"],
    ["action", "{ref}", "--kind", "stop_operation", "--result", "effective"],
    ["notify", "{ref}", "--recipient", "DPA"],
    ["settle", "{ref}", GDPR_SA, "--reason", "Not applicable"],
    ["reevaluate", "{ref}"],
]


def test_a_closed_incident_is_read_only_in_the_cli(closed, people, monkeypatch):
    monkeypatch.setenv("INCIDENTDESK_USER", people["manager"].username)
    before = snapshot(closed)
    for args in CLI:
        with pytest.raises(CommandError, match="is closed and can no longer be changed") as refused:
            call_command("incidentdesk", *[a.format(ref=closed.reference) for a in args],
                         stdout=io.StringIO(), stderr=io.StringIO())
        assert refused.value.returncode == 1, args
        assert snapshot(closed) == before, args
    call_command("incidentdesk", "status", closed.reference, "--to", "investigating", "--reason", "DPA asked more",
                 stdout=io.StringIO())
    call_command("incidentdesk", "update", closed.reference, "--set", "affected_parties=One learner",
                 stdout=io.StringIO())
    assert Incident.objects.get(pk=closed.pk).affected_parties == "One learner"


def test_a_closed_incident_is_read_only_in_the_admin(closed, client, people):
    """A superuser named on the (restricted) incident may read it in the admin, not change or delete it."""
    from incidentdesk.accounts.services import set_role
    from incidentdesk.incidents import access

    admin = people["administrator"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    set_role(user=admin, role="administrator", by=None)
    access.restrict(incident=closed, restricted=True, people=[admin], by=people["manager"])  # allowed when closed
    obligation = closed.obligations.get(rule_id=GDPR_SA)
    client.force_login(admin)
    before = snapshot(closed)
    for url, data in [(f"/admin/incidents/incident/{closed.pk}/change/", {"title": "Changed"}),
                      (f"/admin/obligations/obligation/{obligation.pk}/change/", {"status": "not_required"})]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert 'name="_save"' not in page.content.decode(), url  # read-only view
        assert client.post(url, data).status_code == 403, url
        assert client.post(url.replace("/change/", "/delete/"), {"post": "yes"}).status_code == 403, url
    assert snapshot(closed) == before


def test_after_a_reopen_a_downgrade_keeps_a_sent_notification_done(closed, people):
    """Once reopened, the downgrade is allowed; the authority was notified all the same."""
    from incidentdesk.incidents import lifecycle
    from incidentdesk.incidents.services import classify

    by = people["manager"]
    lifecycle.transition(incident=closed, to="investigating", by=by, reason="The DPA asked for more")
    classify(incident=closed, level=2, reasoning="One record after all", by=by)
    closed.refresh_from_db()
    assert closed.severity_level == 2
    assert closed.obligations.get(rule_id=GDPR_SA).status == "done"
