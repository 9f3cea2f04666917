"""Severity rules: the seed procedure's examples (§4) land on their level, with reasons."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentdesk.assessment import assess
from incidentdesk.assessment.rulebook import default_rulebook
from incidentdesk.assessment.severity import classify

from .facts import NOW, make

KNOWN_NO = {"published_externally": False, "automated_decision_without_human_review": False,
            "personal_data": {"involved": False}}

SEED_EXAMPLES = [
    # (source, facts, level)
    ("§4 L1: factual error not published", KNOWN_NO | {"caught_in_review": True}, 1),
    ("§4 L1: code bug caught in review", KNOWN_NO | {"caught_in_review": True, "categories": ["model_failure"]}, 1),
    ("§4 L2: published content with an error", KNOWN_NO | {"published_externally": True}, 2),
    ("§4 L2: tool outside the inventory", KNOWN_NO | {"tools": [{"name": "Otter", "in_inventory": False}]}, 2),
    ("§4 L2: category use outside inventory", KNOWN_NO | {"categories": ["use_outside_inventory"]}, 2),
    ("§4 L3: personal data into an AI tool", KNOWN_NO | {"personal_data": {"involved": True}}, 3),
    ("§4 L3: automated decision, no human review", KNOWN_NO | {"automated_decision_without_human_review": True}, 3),
    ("§4 L4 / Art 3(49)(a): death", KNOWN_NO | {"harm": {"death": True}}, 4),
    ("§4 L4 / Art 3(49)(a): serious health harm", KNOWN_NO | {"harm": {"serious_health_harm": True}}, 4),
    ("§4 L4 / Art 3(49)(b): critical infrastructure", KNOWN_NO | {"harm": {"critical_infrastructure_disruption": True}}, 4),
    ("§4 L4 / Art 3(49)(c): fundamental rights", KNOWN_NO | {"harm": {"fundamental_rights_breach": True}}, 4),
    ("§4 L4 / Art 3(49)(d): property or environment", KNOWN_NO | {"harm": {"serious_property_or_environment_harm": True}}, 4),
    ("SB 53 / RAISE: imminent risk", KNOWN_NO | {"harm": {"imminent_risk_of_death_or_injury": True}}, 4),
]


@pytest.mark.parametrize(("source", "facts", "level"), SEED_EXAMPLES, ids=[e[0] for e in SEED_EXAMPLES])
def test_seed_example_gets_its_level(source, facts, level):
    severity = classify(make(**facts), default_rulebook())
    assert severity.level == level, severity.reasons
    assert any(f"Level {level}" in reason for reason in severity.reasons)


def test_in_doubt_the_higher_level_and_it_says_so():
    severity = classify(make(published_externally=False, personal_data={"involved": None}), default_rulebook())
    assert severity.level == 3
    assert severity.in_doubt
    assert "in doubt" in severity.reasons[-1]
    assert "Still unknown: Is personal data involved?" in severity.reasons[-1]


def test_unknown_harm_does_not_raise_to_level_four():
    severity = classify(make(**KNOWN_NO), default_rulebook())
    assert severity.level == 1


def test_a_person_may_escalate():
    severity = classify(make(level_override=3, **KNOWN_NO), default_rulebook())
    assert (severity.level, severity.computed_level) == (3, 1)
    assert "Escalated" in severity.reasons[-1]


def test_a_downgrade_is_shown_as_such():
    severity = classify(make(level_override=2, **(KNOWN_NO | {"harm": {"death": True}})), default_rulebook())
    assert (severity.level, severity.computed_level) == (2, 4)
    assert "Downgraded" in severity.reasons[-1]


def test_provisional_until_classified():
    assert classify(make(**KNOWN_NO), default_rulebook()).provisional
    assert not classify(make(classified_at="2026-11-20T10:00:00+01:00", **KNOWN_NO), default_rulebook()).provisional


tri = st.sampled_from([True, False, None])
harm_names = ["death", "serious_health_harm", "critical_infrastructure_disruption", "fundamental_rights_breach",
              "serious_property_or_environment_harm", "imminent_risk_of_death_or_injury", "algorithmic_discrimination"]


@given(published=tri, involved=tri, automated=tri, harm=st.fixed_dictionaries({n: tri for n in harm_names}),
       extra=st.sampled_from(harm_names))
def test_a_new_true_fact_never_lowers_the_level(published, involved, automated, harm, extra):
    base = make(published_externally=published, automated_decision_without_human_review=automated,
                personal_data={"involved": involved}, harm=harm)
    worse = make(published_externally=published, automated_decision_without_human_review=automated,
                 personal_data={"involved": involved}, harm=harm | {extra: True})
    rulebook = default_rulebook()
    assert 1 <= classify(base, rulebook).level <= classify(worse, rulebook).level <= 4


def test_the_minimum_response_comes_with_the_level():
    result = assess(make(**(KNOWN_NO | {"published_externally": True})), now=NOW)
    assert "Correct the publication within 48 hours" in result.severity.minimum_response
