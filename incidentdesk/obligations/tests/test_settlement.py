"""Obligations settle from the act that fulfils them, or by hand with a reason; refusals store nothing.

The commonest level 2 case: a hallucination published on the website by a tool outside the inventory.
It must be closable from the acts themselves: correcting the publication, adding the tool to the inventory.
"""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.containment.services import contain
from incidentdesk.incidents.lock import IncidentClosed
from incidentdesk.incidents.models import Classification, ClassificationKind, Incident
from incidentdesk.inventory.services import save_tool
from incidentdesk.obligations import services
from incidentdesk.obligations.models import Obligation

DETECTED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
REASON = "Not applicable because the post was never published outside the intranet"


@pytest.fixture
def at_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def published(record, at_now):
    """Level 2: published externally, made with a tool outside the inventory."""
    return record(detected_at=DETECTED, now=NOW, tools=["Copy.ai"],
                  facts={"published_externally": True, "personal_data": {"involved": False}})


def clock(incident, rule_id):
    return incident.obligations.get(rule_id=rule_id)


def stored_state():
    """Every row count, and every obligation as stored: proof that a refusal changed nothing."""
    return table_counts(), list(Obligation.objects.order_by("pk").values())


def test_the_published_hallucination_case_settles_from_its_acts(published, manager):
    assert published.severity_level == 2
    assert clock(published, "PROC-4-L2-CORRECT").status == "pending"
    assert clock(published, "PROC-4-L2-INVENTORY").status == "pending"
    assert clock(published, "PROC-4-L3-CONTAIN").status == "not_required"
    assert str(published.tools.get()) == "Copy.ai (outside inventory)"

    taken = NOW - timedelta(hours=1)
    contain(incident=published, kind="correct_content", taken_at=taken, taken_by="Web team", result="effective",
            by=manager, now=NOW)
    corrected = clock(published, "PROC-4-L2-CORRECT")
    assert (corrected.status, corrected.completed_at, corrected.settlement) == ("done", taken, "act")
    assert "Remove or correct published content" in corrected.settled_reason
    assert AuditEvent.objects.filter(action="obligation.completed", incident_ref=published.reference).count() == 1

    save_tool(by=manager, name="copy.AI", provider="Copy.ai Inc.")
    link = published.tools.get()
    assert link.tool is not None
    assert not link.outside_inventory
    assert str(link) == "copy.AI"
    inventory = clock(published, "PROC-4-L2-INVENTORY")
    assert (inventory.status, inventory.completed_at, inventory.settlement) == ("done", NOW, "act")
    published.refresh_from_db()
    # What happened does not change because the inventory caught up: the level holds, with no "held" noise.
    assert published.severity_level == 2
    assert "use_outside_inventory" in published.categories
    assert not Classification.objects.filter(incident=published, kind=ClassificationKind.HELD).exists()
    assert AuditEvent.objects.filter(action="incident.tool_linked", incident_ref=published.reference).exists()


def test_the_commonest_level_2_incident_closes_from_its_acts_alone(record, manager, at_now):
    from datetime import date

    from incidentdesk.accounts.services import set_role
    from incidentdesk.capa import services as capa
    from incidentdesk.incidents import lifecycle
    from incidentdesk.incidents.services import classify
    from incidentdesk.investigation.services import save_analysis
    from incidentdesk.lessons import services as lessons

    harm = dict.fromkeys(("death", "serious_health_harm", "critical_infrastructure_disruption",
                          "fundamental_rights_breach", "serious_property_or_environment_harm",
                          "widespread_infringement", "imminent_risk_of_death_or_injury",
                          "algorithmic_discrimination", "critical_safety_incident"), False)
    incident = record(detected_at=DETECTED, now=NOW, tools=["Copy.ai"], facts={
        "published_externally": True, "personal_data": {"involved": False}, "caught_in_review": False,
        "client_data_affected": False, "automated_decision_without_human_review": False, "harm": harm})
    contain(incident=incident, kind="correct_content", taken_at=NOW, taken_by="Web team", result="effective",
            by=manager, now=NOW)
    classify(incident=incident, level=2, reasoning="Published error made with a tool outside the inventory",
             by=manager, now=NOW)
    save_tool(by=manager, name="Copy.ai")
    save_analysis(incident=incident, by=manager, complete=True, now=NOW, what_happened="Invented policy",
                  why="No grounding", what_was_done="Post corrected", impact="One client",
                  what_changes="Grounding", cause_categories=["tool_failure"])
    set_role(user=manager, role="incident_manager", by=None)
    action = capa.plan(incident=incident, description="Ground the writer", assignee=manager, due_on=date(2026, 12, 1),
                       by=manager)
    capa.implement(action=action, by=manager)
    capa.verify(action=action, effective=True, result="No invented policies in 50 posts", method="Sample",
                by=manager)
    lesson = lessons.propose(incident=incident, target="inventory", text="Check tools before use", by=manager)
    lessons.decide(lesson=lesson, accept=True, by=manager, summary="Copy.ai added after review")
    lifecycle.transition(incident=incident, to="closed", by=manager)
    assert incident.status == "closed"
    assert not incident.obligations.filter(settlement="hand").exists()


def test_settling_by_the_act_is_idempotent(published, manager):
    for _ in range(2):
        contain(incident=published, kind="correct_content", taken_at=NOW, taken_by="Web team", result="effective",
                by=manager, now=NOW)
    assert AuditEvent.objects.filter(action="obligation.completed", incident_ref=published.reference).count() == 1
    tool = save_tool(by=manager, name="Copy.ai")
    save_tool(by=manager, tool=tool, provider="Copy.ai Inc.")
    assert AuditEvent.objects.filter(action="incident.tool_linked").count() == 1


@pytest.mark.parametrize(("kind", "result"), [("correct_content", "pending"), ("correct_content", "partial"),
                                          ("stop_operation", "effective")])
def test_only_an_effective_correction_corrects_the_publication(published, manager, kind, result):
    contain(incident=published, kind=kind, taken_at=NOW, taken_by="Web team", result=result, by=manager, now=NOW)
    assert clock(published, "PROC-4-L2-CORRECT").status == "pending"


def test_an_existing_tool_renamed_to_the_incidents_name_links_it(published, manager):
    tool = save_tool(by=manager, name="Copy assistant")
    assert clock(published, "PROC-4-L2-INVENTORY").status == "pending"
    save_tool(by=manager, tool=tool, name="COPY.AI")
    assert published.tools.get().tool == tool
    assert clock(published, "PROC-4-L2-INVENTORY").status == "done"


def test_a_closed_incident_is_not_relinked(published, manager):
    Incident.objects.filter(pk=published.pk).update(status="closed")
    save_tool(by=manager, name="Copy.ai")
    assert published.tools.get().tool is None


@pytest.mark.parametrize(("facts", "level"), [
    ({"personal_data": {"involved": True}}, 3),
    ({"personal_data": {"involved": False}, "harm": {"death": True}}, 4),
])
def test_immediate_containment_runs_for_levels_3_and_4_and_is_settled_by_containment(
        record, manager, at_now, facts, level):
    incident = record(detected_at=DETECTED, now=NOW, facts=facts)
    assert incident.severity_level == level
    duty = clock(incident, "PROC-4-L3-CONTAIN")
    assert (duty.status, duty.due_at) == ("pending", DETECTED + timedelta(hours=24))
    assert duty.citation == "Incident procedure §4, level 3 and 4 minimum response"
    contain(incident=incident, kind="stop_operation", taken_at=NOW, taken_by="Ops", result="not_effective",
            by=manager, now=NOW)
    assert clock(incident, "PROC-4-L3-CONTAIN").status == "pending"
    taken = NOW - timedelta(minutes=30)
    contain(incident=incident, kind="revoke_access", taken_at=taken, taken_by="Ops", result="partial", by=manager,
            now=NOW)
    duty = clock(incident, "PROC-4-L3-CONTAIN")
    assert (duty.status, duty.completed_at, duty.settlement) == ("done", taken, "act")


def test_containment_before_an_escalation_counts_for_the_immediate_containment(published, manager):
    from incidentdesk.incidents.services import update_incident

    taken = NOW - timedelta(hours=2)
    contain(incident=published, kind="stop_operation", taken_at=taken, taken_by="Ops", result="effective",
            by=manager, now=NOW)
    assert clock(published, "PROC-4-L3-CONTAIN").status == "not_required"
    update_incident(incident=published, by=manager, now=NOW, changes={"personal_data.involved": True})
    assert published.severity_level == 3
    duty = clock(published, "PROC-4-L3-CONTAIN")
    assert (duty.status, duty.completed_at, duty.settlement) == ("done", taken, "act")


def test_a_may_apply_obligation_can_be_settled_by_hand(record, manager, at_now):
    incident = record(detected_at=DETECTED, now=NOW, facts={"published_externally": True,
                                                            "personal_data": {"involved": None}})
    duty = clock(incident, "GDPR-33-1-SA")
    assert duty.status == "may_apply"
    services.settle(obligation=duty, reason="Not applicable because no personal data was in the chat", by=manager)
    assert clock(incident, "GDPR-33-1-SA").status == "done"


def test_the_rca_still_completes_its_clock(published, manager):
    from incidentdesk.investigation.services import save_analysis

    answers = {"what_happened": "Invented policy", "why": "No grounding", "what_was_done": "Post corrected",
               "impact": "One client", "what_changes": "Grounding", "cause_categories": ["tool_failure"]}
    save_analysis(incident=published, by=manager, complete=True, now=NOW, **answers)
    rca = clock(published, "PROC-6-5-RCA")
    assert (rca.status, rca.completed_at, rca.settlement) == ("done", NOW, "act")


def test_the_gdpr_decision_completes_the_level_3_assessment(record, manager, at_now):
    from incidentdesk.breaches.services import decide_breach

    incident = record(detected_at=DETECTED, now=NOW, facts={"personal_data": {"involved": True}})
    decide_breach(incident=incident, notify_authority=False, communicate_subjects=False,
                  reasons="Encrypted, key not compromised", by=manager)
    assert clock(incident, "PROC-4-L3-GDPR-ASSESSMENT").status == "done"


# --- by hand -------------------------------------------------------------------------------------------


def test_settling_by_hand_completes_it_and_logs_the_reason(published, manager):
    row = services.settle(obligation=clock(published, "PROC-4-L2-CORRECT"), reason=f"  {REASON} ", by=manager)
    assert (row.status, row.completed_at, row.settlement, row.settled_reason) == ("done", NOW, "hand", REASON)
    event = AuditEvent.objects.get(action="obligation.settled")
    assert REASON in event.data
    assert event.incident_ref == published.reference
    # The core treats it as done: a later reassessment keeps it done.
    from incidentdesk.incidents.services import update_incident

    update_incident(incident=published, by=manager, now=NOW, changes={"affected_parties": "one client"})
    assert clock(published, "PROC-4-L2-CORRECT").status == "done"


@pytest.mark.parametrize("case", ["empty reason", "future", "not required", "already done", "closed"])
def test_a_refused_settlement_leaves_the_database_unchanged(published, manager, case):
    rule_id, reason, at = "PROC-4-L2-CORRECT", REASON, None
    if case == "empty reason":
        reason = "   "
    elif case == "future":
        at = NOW + timedelta(hours=2)
    elif case == "not required":
        rule_id = "PROC-4-L3-CONTAIN"
    elif case == "already done":
        services.settle(obligation=clock(published, rule_id), reason=REASON, by=manager)
    elif case == "closed":
        Incident.objects.filter(pk=published.pk).update(status="closed")
    before = stored_state()
    expected = {"empty reason": services.SettleRefused, "future": services.SettleRefused,
                "not required": services.AlreadySettled, "already done": services.AlreadySettled,
                "closed": IncidentClosed}[case]
    with pytest.raises(expected) as refused:
        services.settle(obligation=clock(published, rule_id), reason=reason, at=at, by=manager)
    assert stored_state() == before
    assert refused.value.status == (422 if case in ("empty reason", "future") else 409)


def test_the_workspace_form_settles_and_shows_the_reason(published, as_person):
    client = as_person("manager")
    page = client.get(f"/incidents/{published.reference}/").content.decode()
    url = f"/incidents/{published.reference}/obligations/PROC-4-L2-INVENTORY/settle/"
    assert f'action="{url}"' in page
    response = client.post(url, {"reason": REASON}, follow=True)
    assert "settled by hand" in response.content.decode()
    assert clock(published, "PROC-4-L2-INVENTORY").settlement == "hand"
    page = client.get(f"/incidents/{published.reference}/").content.decode()
    assert f"Settled by hand: {REASON}" in page
    assert "Settled by hand, not by an act" in page  # not the green "Done" of a clock met by its act


def test_the_workspace_form_refuses_an_empty_reason_and_a_role_without_classify(published, as_person):
    url = f"/incidents/{published.reference}/obligations/PROC-4-L2-INVENTORY/settle/"
    before = stored_state()
    response = as_person("manager").post(url, {"reason": ""}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert as_person("responder").post(url, {"reason": REASON}).status_code == 403
    assert stored_state() == before
    page = as_person("responder").get(f"/incidents/{published.reference}/").content.decode()
    assert "/settle/" not in page


def test_the_api_settles_and_answers_with_the_obligation(published, client, people):
    from incidentdesk.accounts.tokens import create_token

    def post(persona, body, rule_id="PROC-4-L2-INVENTORY"):
        token = create_token(user=people[persona], name="t", scopes=["read", "write"], by=None)[1]
        return client.post(f"/api/incidents/{published.reference}/obligations/{rule_id}/settle", data=body,
                           content_type="application/json", headers={"Authorization": f"Bearer {token}"})

    before = stored_state()
    assert post("responder", {"reason": REASON}).status_code == 403
    empty = post("manager", {"reason": ""})
    assert empty.status_code == 422
    assert "reason" in empty.json()["detail"]
    assert post("manager", {"reason": REASON}, rule_id="NO-SUCH-RULE").status_code == 404
    after = stored_state()
    assert after[1] == before[1]
    assert after[0]["obligations.Obligation"] == before[0]["obligations.Obligation"]
    answer = post("manager", {"reason": REASON, "at": "2026-11-20T10:30:00+00:00"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["rule_id"], body["status"], body["settlement"], body["settled_reason"]) == (
        "PROC-4-L2-INVENTORY", "done", "hand", REASON)
    assert body["completed_at"].startswith("2026-11-20T10:30")
    assert post("manager", {"reason": REASON}).status_code == 409


def test_the_cli_settles_and_refuses_an_empty_reason(published, cli_user):
    out = StringIO()
    call_command("incidentdesk", "settle", published.reference, "PROC-4-L2-CORRECT", "--reason", REASON,
                 "--at", "2026-11-20T11:15", stdout=out, stderr=StringIO())
    assert "settled by hand" in out.getvalue()
    row = clock(published, "PROC-4-L2-CORRECT")
    assert (row.settlement, row.completed_at) == ("hand", datetime(2026, 11, 20, 10, 15, tzinfo=UTC))  # Brussels
    before = stored_state()
    with pytest.raises(CommandError, match="reason"):
        call_command("incidentdesk", "settle", published.reference, "PROC-4-L2-INVENTORY", "--reason", "",
                     stdout=StringIO(), stderr=StringIO())
    assert stored_state() == before


def test_a_tool_added_in_the_admin_links_its_incidents_too(published, manager, client):
    """The admin's save goes through the same hook as the inventory page (it used to save the row only)."""
    manager.is_staff = manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    response = client.post("/admin/inventory/aitool/add/", {"name": "Copy.ai", "risk_class": "minimal",
                                                             "provider": "Copy.ai Inc."})
    assert response.status_code == 302, response.content[:2000]
    link = published.tools.get()
    assert link.tool is not None
    assert not link.outside_inventory
    assert clock(published, "PROC-4-L2-INVENTORY").status == "done"
