"""The root-cause analysis: drafts, completion with the seed's five questions, "fix the system", audited."""

import pytest

from conftest import NOW, table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents import section8
from incidentdesk.incidents.lock import IncidentClosed
from incidentdesk.incidents.models import Incident
from incidentdesk.investigation.models import RootCauseAnalysis
from incidentdesk.investigation.services import RCA_RULE, AnalysisRefused, save_analysis

RCA = {"what_happened": "Bot invented a policy", "why": "No grounding on the policy page",
       "what_was_done": "Bot switched off", "impact": "Three clients misinformed",
       "what_changes": "Ground answers on approved pages", "cause_categories": ["tool_failure"]}


def state():
    return table_counts() | {"rca": list(RootCauseAnalysis.objects.values())}


def test_a_draft_is_saved_then_completed_which_meets_the_rca_clock(record, manager):
    incident = record()
    draft = save_analysis(incident=incident, by=manager, what_happened="  Bot invented a policy ", now=NOW)
    assert draft.what_happened == "Bot invented a policy"
    assert draft.completed_at is None
    done = save_analysis(incident=incident, by=manager, complete=True, now=NOW, **RCA)
    assert done.pk == draft.pk
    assert done.completed_at == NOW
    assert done.completed_by == manager
    incident.refresh_from_db()
    assert "No grounding on the policy page" in section8.rca_outcome(incident)
    clock = incident.obligations.filter(rule_id=RCA_RULE).first()
    if clock is not None and clock.status != "not_required":
        assert clock.completed_at is not None
    events = list(AuditEvent.objects.filter(object_type="rootcauseanalysis").order_by("seq")
                  .values_list("action", "actor_name"))
    assert events == [("rca.saved", "manager"), ("rca.completed", "manager")]


def test_a_draft_may_be_incomplete(record, manager):
    row = save_analysis(incident=record(), by=manager, why="Unclear yet", now=NOW)
    assert row.pk
    assert row.completed_at is None


@pytest.mark.parametrize(("fields", "message"), [
    (RCA | {"impact": " "}, "impact: answer this question"),
    (RCA | {"what_changes": ""}, "what_changes: answer this question"),
    (RCA | {"cause_categories": []}, "cause_categories: name at least one"),
    (RCA | {"cause_categories": ["bad_luck"]}, "cause_categories: unknown bad_luck"),
    (RCA | {"cause_categories": ["human_error"]}, "systemic_cause: human error is the only cause"),
])
def test_completing_needs_every_answer_and_a_systemic_cause_and_stores_nothing_otherwise(record, manager, fields,
                                                                                         message):
    incident = record()
    before = state()
    with pytest.raises(AnalysisRefused, match=message):
        save_analysis(incident=incident, by=manager, complete=True, now=NOW, **fields)
    assert state() == before


def test_human_error_with_the_systemic_cause_completes(record, manager):
    row = save_analysis(incident=record(), by=manager, complete=True, now=NOW,
                        **RCA | {"cause_categories": ["human_error"], "systemic_cause": "No review before publishing"})
    assert row.completed_at == NOW


def test_an_unknown_category_is_refused_even_in_a_draft(record, manager):
    incident = record()
    before = state()
    with pytest.raises(AnalysisRefused, match="unknown"):
        save_analysis(incident=incident, by=manager, cause_categories=["fate"], now=NOW)
    assert state() == before


def test_a_closed_incident_is_locked(record, manager):
    incident = record()
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    before = state()
    with pytest.raises(IncidentClosed):
        save_analysis(incident=incident, by=manager, complete=True, now=NOW, **RCA)
    assert state() == before
