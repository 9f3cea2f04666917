"""Guarded transitions: each refusal names what is missing; nothing changes on refusal; reopen needs a reason."""

from datetime import UTC, date, datetime

import pytest

from conftest import NOW, table_counts
from incidentdesk.capa import services as capa
from incidentdesk.containment.services import contain
from incidentdesk.incidents import lifecycle
from incidentdesk.incidents.lifecycle import TransitionRefused
from incidentdesk.incidents.services import classify
from incidentdesk.investigation.services import save_analysis
from incidentdesk.lessons import services as lessons

RCA = {"what_happened": "Bot invented a policy", "why": "No grounding on the policy page",
       "what_was_done": "Bot switched off", "impact": "Three clients misinformed",
       "what_changes": "Ground answers on approved pages", "cause_categories": ["tool_failure"]}


@pytest.fixture
def moderate(record, manager):
    """A level 2 incident (published externally, no personal data), with an inventory tool."""
    from incidentdesk.inventory.services import save_tool

    save_tool(by=manager, name="Website chatbot")
    return record(tools=["Website chatbot"], facts={"published_externally": True, "personal_data": {"involved": False},
                         "caught_in_review": False, "client_data_affected": False,
                         "automated_decision_without_human_review": False,
                         "harm": {k: False for k in ("death", "serious_health_harm",
                                                     "critical_infrastructure_disruption", "fundamental_rights_breach",
                                                     "serious_property_or_environment_harm", "widespread_infringement",
                                                     "imminent_risk_of_death_or_injury", "algorithmic_discrimination",
                                                     "critical_safety_incident")}})


def test_containment_is_needed_before_contained(moderate, manager):
    before = table_counts()
    with pytest.raises(TransitionRefused, match="record a containment action that stopped the harm"):
        lifecycle.transition(incident=moderate, to="contained", by=manager)
    assert table_counts() == before
    contain(incident=moderate, kind="stop_operation", taken_at=NOW, taken_by="Ana", by=manager, now=NOW)
    with pytest.raises(TransitionRefused, match="none has stopped the harm yet"):
        lifecycle.transition(incident=moderate, to="contained", by=manager)
    contain(incident=moderate, kind="stop_operation", taken_at=NOW, taken_by="Ana", by=manager, now=NOW,
            result="effective")
    lifecycle.transition(incident=moderate, to="contained", by=manager)
    assert moderate.status == "contained"


def test_closing_a_level_2_incident_needs_the_rca_and_settled_actions(moderate, manager):
    contain(incident=moderate, kind="correct_content", taken_at=NOW, taken_by="Ana", by=manager, now=NOW,
            result="effective")
    classify(incident=moderate, level=2, reasoning="Published error", by=manager, now=NOW)
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition(incident=moderate, to="closed", by=manager)
    assert "complete the root-cause analysis (level 2" in str(refused.value)
    save_analysis(incident=moderate, by=manager, complete=True, now=NOW, **RCA)
    action = capa.plan(incident=moderate, description="Ground the bot", assignee=staff(manager), due_on=date(2026, 12, 1),
                       by=manager)
    with pytest.raises(TransitionRefused, match="verify this corrective action as effective, or accept it"):
        lifecycle.transition(incident=moderate, to="closed", by=manager)
    capa.implement(action=action, by=manager)
    capa.verify(action=action, effective=True, result="No invented policies in 200 sampled chats",
                method="Sample 200 chats", by=manager)
    for o in moderate.obligations.filter(status="pending"):
        from incidentdesk.obligations.services import complete_obligation

        complete_obligation(incident=moderate, rule_id=o.rule_id, at=NOW, by=manager, now=NOW)
    with pytest.raises(TransitionRefused, match="accept at least one lesson"):
        lifecycle.transition(incident=moderate, to="closed", by=manager)
    lesson = lessons.propose(incident=moderate, target="procedure", text="Review bot answers weekly", by=manager)
    lessons.decide(lesson=lesson, accept=True, by=manager)
    lifecycle.transition(incident=moderate, to="closed", by=manager)
    assert moderate.status == "closed"


def test_a_reopen_needs_a_reason_and_is_logged(record, manager):
    from incidentdesk.audit.models import AuditEvent

    incident = record(facts={"published_externally": False, "caught_in_review": True,
                             "personal_data": {"involved": False}})
    incident.status = "resolved"
    incident.save()
    with pytest.raises(TransitionRefused, match="a reopen needs a reason"):
        lifecycle.transition(incident=incident, to="investigating", by=manager)
    lifecycle.transition(incident=incident, to="investigating", by=manager, reason="Client reported it again")
    event = AuditEvent.objects.filter(action="incident.reopened").get()
    assert "Client reported it again" in event.data


def test_going_back_other_than_a_reopen_is_refused(record, manager):
    incident = record()
    contain(incident=incident, kind="stop_operation", taken_at=NOW, taken_by="Ana", by=manager, now=NOW,
            result="effective")
    lifecycle.transition(incident=incident, to="contained", by=manager)
    with pytest.raises(TransitionRefused, match="going back is a reopen"):
        lifecycle.transition(incident=incident, to="detected", by=manager, reason="oops")


def test_a_human_error_only_rca_asks_for_the_systemic_cause(moderate, manager):
    from incidentdesk.investigation.services import AnalysisRefused

    before = table_counts()
    with pytest.raises(AnalysisRefused, match="Fix the system, not just the person"):
        save_analysis(incident=moderate, by=manager, complete=True, now=NOW,
                      **(RCA | {"cause_categories": ["human_error"]}))
    assert table_counts() == before
    save_analysis(incident=moderate, by=manager, complete=True, now=NOW,
                  **(RCA | {"cause_categories": ["human_error"],
                            "systemic_cause": "No review step before publishing AI drafts"}))
    rca_clock = moderate.obligations.get(rule_id="PROC-6-5-RCA")
    assert rca_clock.completed_at == NOW


def test_an_action_is_accepted_only_with_a_reason(moderate, manager):
    action = capa.plan(incident=moderate, description="Retrain staff", assignee=staff(manager), due_on=date(2026, 12, 1),
                       by=manager)
    with pytest.raises(capa.ActionRefused, match="needs a reason"):
        capa.accept(action=action, reason=" ", by=manager)
    capa.accept(action=action, reason="Superseded by the new review step", by=manager)
    assert action.settled


def test_overdue_corrective_actions_are_listed(moderate, manager):
    capa.plan(incident=moderate, description="Late one", assignee=staff(manager), due_on=date(2026, 11, 1), by=manager)
    assert [a.description for a in capa.overdue(date(2026, 11, 22))] == ["Late one"]


def test_a_containment_time_in_the_future_is_refused(moderate, manager):
    from incidentdesk.containment.services import ContainmentRefused

    with pytest.raises(ContainmentRefused, match="lies in the future"):
        contain(incident=moderate, kind="stop_operation", taken_at=datetime(2027, 1, 1, tzinfo=UTC),
                taken_by="Ana", by=manager, now=NOW)


def staff(user):
    """The ``manager`` fixture made an incident manager, so that a corrective action can be given to them."""
    from incidentdesk.accounts.services import set_role

    set_role(user=user, role="incident_manager", by=None)
    return user
