"""The routing rules: each names a team of the directory, cites the playbook, and decides from the facts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentdesk.assessment.facts import IncidentFacts
from incidentdesk.routing.rules import RoutingRuleError, decide, parse, routes

TRI = st.sampled_from([True, False, None])


def test_every_route_names_a_team_a_clock_and_the_playbook():
    teams = {r.team for r in routes()}
    assert teams == {"privacy", "it_security", "legal_team", "hr", "management"}
    for route in routes():
        assert "playbook, step 3" in route.citation
        assert 1 <= route.ack_hours <= 24
        assert "_" not in route.reason  # words, not field names


@pytest.mark.parametrize(("text", "says"), [
    ('[[route]]\nid="X"\nteam="nobody"\nwhen={always=true}\nack_hours=4\nreason="r"\ncitation="c"', "not a kind"),
    ('[[route]]\nid="X"\nteam="hr"\nwhen={always=true}\nack_hours=0\nreason="r"\ncitation="c"', "ack_hours"),
    ('[[route]]\nid="X"\nteam="hr"\nwhen={bogus=1}\nack_hours=4\nreason="r"\ncitation="c"', "expected fact"),
    ('[[route]]\nid="X"\nteam="hr"\nwhen={always=true}\nack_hours=4\nreason="r"', "missing citation"),
    ('[[route]]\nid="X"\nteam="hr"\nwhen={always=true}\nack_hours=4\nreason="r"\ncitation="c"\n'
     '[[route]]\nid="Y"\nteam="hr"\nwhen={always=true}\nack_hours=4\nreason="r"\ncitation="c"', "more than one route"),
])
def test_a_malformed_rules_file_is_refused_with_a_sentence(text, says):
    with pytest.raises(RoutingRuleError, match=says):
        parse(text)


@settings(max_examples=150, deadline=None)
@given(involved=TRI, conduct=TRI, liability=TRI, client=TRI, level=st.integers(1, 4))
def test_decisions_follow_the_facts(involved, conduct, liability, client, level):
    facts = IncidentFacts.model_validate({"detected_at": "2026-11-20T08:00:00Z", "personal_data": {"involved": involved}, "employee_conduct": conduct,
                                          "potential_liability": liability, "client_data_affected": client})
    by_team = {d.route.team: d for d in decide(facts, level)}
    assert by_team["privacy"].applies is involved
    assert by_team["hr"].applies is conduct
    assert by_team["management"].applies is (level >= 3)
    assert by_team["it_security"].applies is (True if involved else None if involved is None else False)
    # the other facts Legal reads (automated decision, fundamental rights) are unknown here
    assert by_team["legal_team"].applies is (True if True in (liability, client) else None)
    for decision in by_team.values():
        if decision.applies:
            assert decision.because, "a team told must say which fact decided it"
            assert not any("." in line.split(":")[0] for line in decision.because), "facts in words"
