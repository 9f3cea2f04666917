"""Bad facts get a clear message; missing facts are unknown, not false, and are listed."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from incidentdesk.assessment import assess
from incidentdesk.assessment.facts import IncidentFacts, unknown_facts

from .facts import NOW, make


def test_occurred_after_detected_is_refused():
    with pytest.raises(ValidationError, match="The time it happened is after the detection time"):
        make(occurred_at="2026-11-21T09:00:00+01:00")


def test_a_time_without_offset_is_refused():
    with pytest.raises(ValidationError, match="UTC offset"):
        IncidentFacts.model_validate({"detected_at": "2026-11-20T09:00:00"})


def test_a_future_time_is_refused_beyond_a_small_skew():
    facts = make(detected_at="2026-11-22T12:04:00Z")
    facts.check_not_future(NOW)
    with pytest.raises(ValueError, match="future"):
        make(detected_at="2026-11-22T12:30:00Z").check_not_future(NOW)


def test_unknown_fields_and_categories_are_refused():
    with pytest.raises(ValidationError, match="Extra inputs"):
        make(harm={"deth": True})
    with pytest.raises(ValidationError, match="categories"):
        make(categories=["aliens"])


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValidationError, match="time zone"):
        make(organisation={"time_zone": "Mars/Olympus"})


def test_missing_facts_are_unknown_and_listed():
    unknown = unknown_facts(make())
    assert "harm.death" in unknown
    assert "personal_data.involved" in unknown
    assert "published_externally" in unknown


def test_a_known_no_hides_the_sub_facts():
    assert not any(u.startswith("personal_data.") for u in unknown_facts(make(personal_data={"involved": False})))


tri = st.sampled_from([True, False, None])
facts_strategy = st.fixed_dictionaries({
    "published_externally": tri, "client_data_affected": tri, "automated_decision_without_human_review": tri,
    "significant_incident": tri, "major_ict_incident": tri,
    "organisation": st.fixed_dictionaries({
        "ai_act_role": st.sampled_from(["provider", "deployer", "both", "none"]), "nis2_entity": tri,
        "dora_financial_entity": tri, "sb53_frontier_developer": tri, "country": st.sampled_from(["BE", "DE", "US"]),
        "time_zone": st.sampled_from(["Europe/Brussels", "UTC", "America/New_York"])}),
    "tools": st.lists(st.fixed_dictionaries({"name": st.just("T"), "in_inventory": tri, "high_risk": tri}),
                      max_size=2),
    "personal_data": st.fixed_dictionaries({
        "involved": tri, "lost": st.none() | st.lists(st.sampled_from(["confidentiality", "integrity",
                                                                        "availability"]), unique=True),
        "data_categories": st.none() | st.lists(st.sampled_from(["contact", "health", "financial", "location"]),
                                                max_size=2),
        "encrypted": tri, "key_compromised": tri, "backup_available": tri, "malicious": tri,
        "recipient": st.sampled_from([None, "trusted", "untrusted", "public", "unknown"]),
        "identifiability": st.sampled_from([None, "negligible", "limited", "significant", "maximum"])}),
    "harm": st.fixed_dictionaries({n: tri for n in ["death", "serious_health_harm", "critical_safety_incident",
                                                    "critical_infrastructure_disruption", "widespread_infringement",
                                                    "imminent_risk_of_death_or_injury"]}),
    "detected_at": st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31),
                                timezones=st.just(UTC)),
})


@settings(max_examples=150, deadline=None)
@given(raw=facts_strategy)
def test_every_assessment_explains_itself(raw):
    result = assess(IncidentFacts.model_validate(raw), now=datetime(2028, 1, 1, tzinfo=UTC))
    assert 1 <= result.severity.level <= 4
    assert result.severity.reasons
    for o in result.obligations:
        assert o.status in {"pending", "overdue", "done", "not_required", "may_apply"}
        assert o.citation, o.rule_id
        assert o.reasons, o.rule_id
        if o.due_at and o.clock_start:
            assert o.due_at >= o.clock_start or o.rule_id.startswith("AIA")
        if o.due_at and o.legal_latest:
            assert o.legal_latest >= o.due_at, o.rule_id
    groups = [o for o in result.obligations if o.rule_id.startswith("AIA-73") and o.status == "pending"]
    assert len(groups) <= 1, "two tiers of the same Art 73 report are both pending"
