"""Reasons name every fact in words: derived facts by their vocabulary label, steps by their action, never a code.

A reviewer found "Does not apply: AI act provider: No; High risk provided: TalentRank: No" and "the provider has
not been notified yet (AIA-26-5-INFORM-PROVIDER)" in the merged build (fixwords, item 1).
"""

import re
from datetime import UTC, datetime

from incidentdesk.assessment import assess

from .facts import by_id, make

TOOL = [{"name": "TalentRank", "in_inventory": True, "annex": "annex_iii", "role": "deployer"}]
HEALTH = {"serious_health_harm": True, "death": False, "critical_infrastructure_disruption": False,
          "widespread_infringement": False}
#: A rule id (AIA-26-5-INFORM-PROVIDER) or a field name (high_risk_provided, art73_full_scope).
CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+){2,}\b|\b[a-z0-9]+_[a-z0-9_]+\b")


def deployer_outcomes():
    facts = make(detected_at="2028-03-06T09:00:00+01:00", organisation={"ai_act_role": "deployer"}, tools=TOOL,
                 harm=HEALTH)
    return assess(facts, now=datetime(2028, 3, 8, tzinfo=UTC))


def test_derived_facts_read_as_words_with_the_system_named():
    report = by_id(deployer_outcomes(), "AIA-73-2-REPORT")
    assert report.reasons[0] == ("Does not apply: We are the AI Act provider of an AI system involved: No; "
                                 "We provide this AI system as a high-risk system (TalentRank): No; "
                                 "We provide this high-risk AI system and report all its serious incidents "
                                 "under the AI Act (TalentRank): No")


def test_the_hand_off_names_the_step_not_its_rule_id():
    report = by_id(deployer_outcomes(), "AIA-26-5-DEPLOYER-73-2")
    reason = next(r for r in report.reasons if "not been notified" in r)
    assert "AIA-26-5-INFORM-PROVIDER" not in reason
    assert "Inform the provider of the high-risk AI system of the serious incident" in reason


def test_no_ai_act_reason_shows_a_code_or_repeats_itself():
    for outcome in (o for o in deployer_outcomes().obligations if o.rule_id.startswith("AIA")):
        for reason in outcome.reasons:
            assert not CODE.search(reason), (outcome.rule_id, reason)
            assert len(set(reason.split("; "))) == len(reason.split("; ")), (outcome.rule_id, reason)
