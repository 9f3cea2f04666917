"""One authority for progress: the checklist and the lifecycle guard read the same conditions.

The property test builds random combinations of step records (containment results, classification,
root-cause analysis, lessons, obligations, notifications, corrective actions, level) and checks that
the checklist ticks a step exactly when the guard has no complaint about it, for every target status.
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, table_counts
from incidentdesk.capa.models import ActionStatus, CorrectiveAction
from incidentdesk.containment.models import ContainmentAction, ContainmentResult
from incidentdesk.containment.services import contain
from incidentdesk.incidents import lifecycle, progress, workflow
from incidentdesk.incidents.lifecycle import TransitionRefused
from incidentdesk.incidents.models import Incident
from incidentdesk.investigation.models import RootCauseAnalysis
from incidentdesk.investigation.services import save_analysis
from incidentdesk.lessons import services as lessons
from incidentdesk.lessons.models import Lesson, LessonStatus
from incidentdesk.notifications.models import Notification

RCA = {"what_happened": "Bot invented a policy", "why": "No grounding on the policy page",
       "what_was_done": "Bot switched off", "impact": "Three clients misinformed",
       "what_changes": "Ground answers on approved pages", "cause_categories": ["tool_failure"]}
LEVEL_2 = {"published_externally": True, "personal_data": {"involved": False}}
LEVEL_1 = {"published_externally": False, "caught_in_review": True, "personal_data": {"involved": False}}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def moderate(frozen, record):
    return record(facts=LEVEL_2)


def checklist(incident: Incident) -> dict[str, workflow.Step]:
    return {step.key: step for step in workflow.steps(Incident.objects.get(pk=incident.pk))}


def complaint_steps(incident: Incident, target: str) -> set[str]:
    return {c.step for c in lifecycle.complaints(Incident.objects.get(pk=incident.pk), target)}


STATE = st.fixed_dictionaries({
    "level": st.integers(1, 4),
    "classified": st.booleans(),
    "containment": st.lists(st.sampled_from(ContainmentResult.values), max_size=3),
    "rca": st.sampled_from(["none", "draft", "completed"]),
    "lessons": st.lists(st.sampled_from(LessonStatus.values), max_size=3),
    "obligations": st.lists(st.sampled_from(["pending", "may_apply", "done", "not_required"]), min_size=12,
                            max_size=12),
    "notified": st.booleans(),
    "capa": st.lists(st.sampled_from(ActionStatus.values), max_size=2),
})


def _build(incident: Incident, state: dict) -> None:
    """Write the step records directly: the property is about reading them, not about the services."""
    Incident.objects.filter(pk=incident.pk).update(
        severity_level=state["level"], classified_at=NOW if state["classified"] else None)
    for result in state["containment"]:
        ContainmentAction.objects.create(incident=incident, kind="other", description="x", taken_at=NOW,
                                         taken_by="Ana", result=result)
    if state["rca"] != "none":
        RootCauseAnalysis.objects.create(incident=incident, **RCA,
                                         completed_at=NOW if state["rca"] == "completed" else None)
    for status in state["lessons"]:
        Lesson.objects.create(incident=incident, target="procedure", text="x", status=status)
    for obligation, status in zip(incident.obligations.order_by("pk"), state["obligations"], strict=False):
        obligation.status = status
        obligation.save(update_fields=["status"])
    if state["notified"]:
        Notification.objects.create(incident=incident, recipient="DPA", sent_at=NOW)
    for status in state["capa"]:
        CorrectiveAction.objects.create(incident=incident, description="x", due_on=date(2026, 12, 1),
                                        status=status)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=STATE)
def test_the_checklist_ticks_a_step_exactly_when_the_guard_has_no_complaint(moderate, state):
    with transaction.atomic():
        _build(moderate, state)
        steps = checklist(moderate)
        for target, needs in progress.REQUIRED.items():
            complaints = complaint_steps(moderate, target)
            assert complaints <= set(needs)
            for key in set(needs) & set(progress.STEPS):
                assert steps[key].done == (key not in complaints), (target, key, state)
        closing = complaint_steps(moderate, "closed")
        for key, step in steps.items():
            assert step.done == (key not in closing), (key, state)
        transaction.set_rollback(True)


def test_an_effective_containment_action_ticks_contain_and_lets_the_incident_be_contained(moderate, manager):
    assert not checklist(moderate)["contain"].done
    contain(incident=moderate, kind="stop_operation", taken_at=NOW, taken_by="Ana", by=manager, now=NOW,
            result="effective")
    assert checklist(moderate)["contain"].done
    assert lifecycle.unmet(moderate, "contained") == []
    lifecycle.transition(incident=moderate, to="contained", by=manager)
    assert Incident.objects.get(pk=moderate.pk).status == "contained"


def test_a_containment_action_that_has_not_stopped_the_harm_ticks_nothing(moderate, manager):
    contain(incident=moderate, kind="stop_operation", taken_at=NOW, taken_by="Ana", by=manager, now=NOW,
            result="partial")
    step = checklist(moderate)["contain"]
    assert not step.done
    assert "none has stopped the harm yet" in step.detail
    before = table_counts()
    with pytest.raises(TransitionRefused, match=r"record a containment action that stopped the harm \(step 2\)"):
        lifecycle.transition(incident=moderate, to="contained", by=manager)
    assert table_counts() == before


def test_a_draft_rca_does_not_tick_investigate(moderate, manager):
    save_analysis(incident=moderate, by=manager, now=NOW, why="Typed a first guess")
    step = checklist(moderate)["investigate"]
    assert not step.done
    assert "draft is saved but not completed" in step.detail
    assert "investigate" in complaint_steps(moderate, "resolved")
    save_analysis(incident=moderate, by=manager, complete=True, now=NOW, **RCA)
    assert checklist(moderate)["investigate"].done
    assert "investigate" not in complaint_steps(moderate, "resolved")


def test_learn_is_met_by_an_accepted_lesson_and_says_so(moderate, manager):
    step = checklist(moderate)["learn"]
    assert not step.done
    assert step.needed
    lesson = lessons.propose(incident=moderate, target="policy", text="Ground the bot", by=manager)
    assert "1 lesson proposed, waiting for a decision" in checklist(moderate)["learn"].detail
    lessons.decide(lesson=lesson, accept=True, by=manager)
    step = checklist(moderate)["learn"]
    assert step.done
    assert step.detail.startswith("1 lesson accepted")


def test_learn_is_met_at_level_1_and_the_message_says_why(frozen, record):
    incident = record(facts=LEVEL_1)
    assert incident.severity_level == 1
    step = checklist(incident)["learn"]
    assert step.done
    assert not step.needed
    assert step.detail == "Level 1: no lesson needs to be accepted"
    assert "learn" not in complaint_steps(incident, "closed")


def test_notify_is_not_met_while_a_legal_obligation_may_apply(moderate):
    assert checklist(moderate)["notify"].done  # no legal obligation applies to this one
    assert not checklist(moderate)["notify"].needed
    row = moderate.obligations.exclude(regime="internal").first()
    row.status = "done"
    row.save(update_fields=["status"])
    assert checklist(moderate)["notify"].done
    assert checklist(moderate)["notify"].needed
    row.status = "may_apply"
    row.save(update_fields=["status"])
    step = checklist(moderate)["notify"]
    assert not step.done
    assert "facts to establish" in step.detail
    assert "notify" in complaint_steps(moderate, "resolved")


def test_messages_are_plain_language(moderate):
    for condition in progress.conditions(moderate):
        assert "_" not in condition.message.replace(moderate.reference, ""), condition.message


def test_due_times_come_from_the_clocks(moderate):
    steps = checklist(moderate)
    classify_clock = moderate.obligations.get(rule_id=progress.CLASSIFY_RULE)
    assert steps["classify"].due_at == classify_clock.due_at
    assert steps["classify"].due_at - moderate.detected_at <= timedelta(hours=24)
    assert steps["investigate"].due_at == moderate.obligations.get(rule_id=progress.RCA_RULE).due_at


def test_a_refused_move_names_the_first_unmet_step_in_plain_words(moderate, manager):
    with pytest.raises(TransitionRefused) as refused:
        lifecycle.transition(incident=moderate, to="classified", by=manager)
    message = str(refused.value)
    assert "record a containment action that stopped the harm (step 2)" in message
    assert "classify the incident definitively with written reasoning (step 3)" in message
