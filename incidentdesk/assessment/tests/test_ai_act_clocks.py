"""AI Act Art 73 and 26(5): tiers, the shortest wins, long-stop from awareness, applies-from dates."""

from datetime import UTC, date, datetime

from incidentdesk.assessment import assess
from incidentdesk.assessment.rulebook import default_rulebook

from .facts import by_id, make

PROVIDER = {"ai_act_role": "provider"}
HIGH_RISK = [{"name": "Triage model", "in_inventory": True, "high_risk": True}]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def provider_facts(aware_at: str, **facts):
    return make(detected_at=aware_at, organisation=PROVIDER, tools=HIGH_RISK, **facts)


def test_fifteen_days_from_awareness_with_the_legal_latest_after_a_weekend():
    facts = provider_facts("2026-09-04T16:00:00+02:00", harm={"serious_health_harm": True, "death": False,
                                                             "critical_infrastructure_disruption": False,
                                                             "widespread_infringement": False})
    report = by_id(assess(facts, now=utc(2026, 9, 5)), "AIA-73-2-REPORT")
    assert report.status == "pending"
    assert report.due_at == utc(2026, 9, 19, 14)  # Saturday
    assert report.legal_latest == utc(2026, 9, 21, 21, 59, 59)  # end of Monday, Reg. 1182/71 Art 3(4)


def test_it_runs_15_days_from_awareness_not_from_the_causal_link():
    # The seed (§5) counts from the causal link; Art 73(2) counts the long-stop from awareness.
    facts = provider_facts("2026-09-04T16:00:00+02:00", causal_link_established_at="2026-09-25T10:00:00+02:00",
                           harm={"serious_health_harm": True, "death": False,
                                 "critical_infrastructure_disruption": False, "widespread_infringement": False})
    report = by_id(assess(facts, now=utc(2026, 9, 26)), "AIA-73-2-REPORT")
    assert report.due_at == utc(2026, 9, 19, 14)
    assert report.status == "overdue"


def test_immediately_after_the_causal_link_binds_before_the_long_stop():
    facts = provider_facts("2026-09-04T16:00:00+02:00", causal_link_established_at="2026-09-05T10:00:00+02:00",
                           harm={"serious_health_harm": True, "death": False,
                                 "critical_infrastructure_disruption": False, "widespread_infringement": False})
    report = by_id(assess(facts, now=utc(2026, 9, 5, 9)), "AIA-73-2-REPORT")
    assert report.due_at == utc(2026, 9, 6, 8)


def test_a_death_gives_ten_days_and_supersedes_the_fifteen():
    facts = provider_facts("2026-10-01T12:00:00+02:00", harm={"death": True, "critical_infrastructure_disruption": False,
                                                             "widespread_infringement": False})
    result = assess(facts, now=utc(2026, 10, 2))
    death = by_id(result, "AIA-73-4-REPORT-DEATH")
    assert death.due_at == utc(2026, 10, 11, 10)  # Sunday
    assert death.legal_latest == utc(2026, 10, 12, 21, 59, 59)
    general = by_id(result, "AIA-73-2-REPORT")
    assert general.status == "not_required"
    assert "Superseded" in general.reasons[-1]


def test_critical_infrastructure_gives_two_days_with_two_working_days():
    facts = provider_facts("2026-11-20T09:00:00+01:00", harm={"critical_infrastructure_disruption": True,
                                                             "death": False})
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-3-REPORT-WIDESPREAD")
    assert report.due_at == utc(2026, 11, 22, 8)  # Sunday
    # Sunday -> Monday (Art 3(4)); Sat-Sun-Mon holds one working day, so Tuesday (Art 3(5)).
    assert report.legal_latest == utc(2026, 11, 24, 22, 59, 59)


def test_a_public_holiday_extends_the_legal_latest():
    facts = provider_facts("2026-12-23T10:00:00+01:00", harm={"widespread_infringement": True, "death": False,
                                                             "critical_infrastructure_disruption": False})
    report = by_id(assess(facts, now=utc(2026, 12, 23, 12)), "AIA-73-3-REPORT-WIDESPREAD")
    # 25 Dec (Christmas) -> 28 Dec; the explanation names the holiday.
    assert report.legal_latest == utc(2026, 12, 28, 22, 59, 59)
    assert any("Christmas" in r for r in report.reasons)


def test_not_in_force_before_2_august_2026():
    facts = provider_facts("2026-07-20T10:00:00+02:00", harm={"serious_health_harm": True})
    report = by_id(assess(facts, now=utc(2026, 7, 21)), "AIA-73-2-REPORT")
    assert report.status == "not_required"
    assert "applies from 2026-08-02" in report.reasons[-1]


def test_no_high_risk_tool_means_not_required():
    facts = make(organisation=PROVIDER, tools=[{"name": "Chatbot", "in_inventory": True, "high_risk": False}],
                 harm={"serious_health_harm": True})
    report = by_id(assess(facts, now=utc(2026, 11, 22)), "AIA-73-2-REPORT")
    assert report.status == "not_required"


def test_the_deployer_duty_waits_for_its_moved_application_date():
    facts = make(organisation={"ai_act_role": "deployer"}, tools=HIGH_RISK, harm={"serious_health_harm": True})
    duty = by_id(assess(facts, now=utc(2026, 11, 22)), "AIA-26-5-INFORM-PROVIDER")
    assert duty.status == "not_required"
    assert "2027-12-02" in duty.reasons[-1]


def test_applies_from_is_data_and_can_be_changed():
    rulebook = default_rulebook()
    rules = [r.model_copy(update={"applies_from": date(2026, 8, 2)}) if r.id == "AIA-26-5-INFORM-PROVIDER" else r
             for r in rulebook.obligations]
    facts = make(detected_at="2026-11-20T09:00:00+01:00", organisation={"ai_act_role": "deployer"}, tools=HIGH_RISK,
                 harm={"serious_health_harm": True})
    duty = by_id(assess(facts, now=utc(2026, 11, 20, 9), rules=rules), "AIA-26-5-INFORM-PROVIDER")
    assert duty.status == "pending"
    assert duty.due_at == utc(2026, 11, 21, 8)
