"""AI Act Art 73 and 26(5): tiers, the shortest wins, long-stop from awareness, applies-from dates."""

from datetime import UTC, date, datetime

from incidentdesk.assessment import assess
from incidentdesk.assessment.rulebook import AnnexDates, default_rulebook

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
    # Art 73(3) "immediately" runs from awareness: our internal target (24 h) is the target, the law's two days
    # (Sunday) the long-stop.
    assert report.due_at == utc(2026, 11, 21, 8)
    assert report.target_is_internal
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
    moved = AnnexDates(annex_i=date(2026, 8, 2), annex_iii=date(2026, 8, 2))
    rules = [r.model_copy(update={"applies_from": date(2026, 8, 2), "application": r.application.model_copy(
                 update={"dates": moved})}) if r.id == "AIA-26-5-INFORM-PROVIDER" else r
             for r in rulebook.obligations]
    facts = make(detected_at="2026-11-20T09:00:00+01:00", organisation={"ai_act_role": "deployer"}, tools=HIGH_RISK,
                 harm={"serious_health_harm": True})
    duty = by_id(assess(facts, now=utc(2026, 11, 20, 9), rules=rules), "AIA-26-5-INFORM-PROVIDER")
    assert duty.status == "pending"
    assert duty.due_at == utc(2026, 11, 21, 8)  # our internal target: 24 h after awareness
    assert duty.legal_latest is None  # Art 26(5) says "immediately" and gives no long-stop


# Error 1 of issue 11: within the tiers of one report, the legal long-stop decides, not the target.
# Art 73(4) (OJ text checked 2026-12-01): "Notwithstanding paragraph 2, in the event of the death of a
# person, the report shall be provided immediately after the provider or the deployer has established,
# or as soon as it suspects, a causal relationship …, but not later than 10 days after … aware".
HARMED_AND_LINKED = {"death": True, "serious_health_harm": True, "critical_infrastructure_disruption": False,
                     "widespread_infringement": False}


def test_a_death_keeps_its_ten_day_long_stop_when_a_causal_link_gives_every_tier_the_same_target():
    facts = provider_facts("2026-10-01T12:00:00+02:00", causal_link_established_at="2026-10-02T10:00:00+02:00",
                           harm=HARMED_AND_LINKED)
    result = assess(facts, now=utc(2026, 10, 2, 9))
    death, general = by_id(result, "AIA-73-4-REPORT-DEATH"), by_id(result, "AIA-73-2-REPORT")
    assert death.due_at == general.due_at == utc(2026, 10, 3, 8)  # both "immediately" after the link
    assert death.status == "pending"
    # 10 days from 1 Oct end on Sunday 11 Oct -> Monday 12 Oct, end of day (Reg. 1182/71 Art 3(4)); never 15 days.
    assert death.legal_latest == utc(2026, 10, 12, 21, 59, 59)
    assert general.status == "not_required"
    assert "Superseded by the shorter tier AIA-73-4-REPORT-DEATH" in general.reasons[-1]


def test_critical_infrastructure_beats_a_death_on_the_two_day_long_stop():
    # Art 73(3): "not later than two days" binds before Art 73(4)'s 10 days, whatever the targets.
    facts = provider_facts("2026-10-01T12:00:00+02:00", causal_link_established_at="2026-10-02T10:00:00+02:00",
                           harm=HARMED_AND_LINKED | {"critical_infrastructure_disruption": True})
    result = assess(facts, now=utc(2026, 10, 2, 9))
    assert by_id(result, "AIA-73-3-REPORT-WIDESPREAD").status == "pending"
    assert by_id(result, "AIA-73-4-REPORT-DEATH").status == "not_required"
    assert by_id(result, "AIA-73-2-REPORT").status == "not_required"


def test_the_fifteen_day_tier_does_not_cover_a_death():
    # A death is the Art 73(4) tier; Art 73(2) covers the other serious incidents of Art 3(49).
    rule = next(r for r in default_rulebook().obligations if r.id == "AIA-73-2-REPORT")
    assert "harm.death" not in str(rule.when)
    facts = provider_facts("2026-10-01T12:00:00+02:00", harm={"death": True, "serious_health_harm": False,
                                                             "fundamental_rights_breach": False,
                                                             "serious_property_or_environment_harm": False,
                                                             "critical_infrastructure_disruption": False,
                                                             "widespread_infringement": False})
    general = by_id(assess(facts, now=utc(2026, 10, 2)), "AIA-73-2-REPORT")
    assert general.status == "not_required"
    assert general.reasons[-1].startswith("Does not apply")
