"""AI Act "immediately" (issue 11, error 2): a legal duty without a number, our internal target beside the long-stop.

Art 73(2): "immediately after the provider has established a causal link ... and, in any event, not later than
15 days after ... aware"; 73(3): "immediately, and not later than two days after ... aware"; 73(4): "immediately
after the provider or the deployer has established, or as soon as it suspects, a causal relationship ..., but not
later than 10 days"; 26(5): "immediately inform first the provider". None gives a number of hours.
"""

from datetime import UTC, datetime

from incidentdesk.assessment import assess
from incidentdesk.assessment.rulebook import RULES_DIR, default_rulebook

from .facts import by_id, make

HIGH_RISK = [{"name": "Triage model", "in_inventory": True, "annex": "annex_iii"}]
HEALTH = {"serious_health_harm": True, "death": False, "critical_infrastructure_disruption": False,
          "widespread_infringement": False}
DEATH = {"death": True, "serious_health_harm": False, "fundamental_rights_breach": False,
         "serious_property_or_environment_harm": False, "critical_infrastructure_disruption": False,
         "widespread_infringement": False}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def provider(aware_at: str, organisation: dict | None = None, **facts):
    return make(detected_at=aware_at, organisation={"ai_act_role": "provider"} | (organisation or {}),
                tools=HIGH_RISK, **facts)


def test_no_rule_reads_immediately_as_a_number_of_hours():
    text = (RULES_DIR / "ai_act.toml").read_text()
    assert "immediately_hours" not in text
    for rule in default_rulebook().obligations:
        assert rule.immediately_hours is None, rule.id


def test_the_internal_target_is_the_profiles_and_is_labelled_internal():
    facts = provider("2026-09-04T16:00:00+02:00", organisation={"immediate_target_hours": 48},
                     causal_link_established_at="2026-09-05T10:00:00+02:00", harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 9, 5, 9)), "AIA-73-2-REPORT")
    assert report.due_at == utc(2026, 9, 7, 8)  # 48 h after the causal link: the profile's number, not the law's
    assert report.target_is_internal
    assert report.duty.startswith("immediately after establishing a causal link")
    assert report.deadline == "immediately; at the latest 15 days"
    internal = next(r for r in report.reasons if "Our internal target" in r)
    assert "48 h after the causal link was established" in internal
    assert "internal, not the law" in internal
    assert "with no number of hours" in internal
    legal = next(r for r in report.reasons if r.startswith("Legal latest"))
    assert "15 days after awareness" in legal
    # The legal latest stays the 15-day long-stop from awareness (Sat 19 Sep -> Mon 21 Sep, Reg. 1182/71).
    assert report.legal_latest == utc(2026, 9, 21, 21, 59, 59)


def test_before_any_causal_link_the_long_stop_is_the_target_and_the_duty_waits():
    facts = provider("2026-09-04T16:00:00+02:00", harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 9, 5)), "AIA-73-2-REPORT")
    assert report.due_at == utc(2026, 9, 19, 14)
    assert not report.target_is_internal
    assert any("starts once the time the causal link was established is recorded" in r for r in report.reasons)


def test_art_73_3_runs_immediately_from_awareness_without_any_causal_link():
    facts = provider("2026-11-20T09:00:00+01:00", harm={"widespread_infringement": True, "death": False,
                                                       "critical_infrastructure_disruption": False})
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-3-REPORT-WIDESPREAD")
    assert report.due_at == utc(2026, 11, 21, 8)  # 24 h after awareness, our internal target
    assert report.target_is_internal
    assert "not tied to a causal link" in report.duty
    assert report.legal_latest == utc(2026, 11, 24, 22, 59, 59)  # two days, Reg. 1182/71 Art 3(4)-(5)


def test_art_73_4_starts_when_the_causal_link_is_suspected():
    facts = provider("2026-10-01T12:00:00+02:00", causal_link_suspected_at="2026-10-01T18:00:00+02:00",
                     causal_link_established_at="2026-10-04T10:00:00+02:00", harm=DEATH)
    death = by_id(assess(facts, now=utc(2026, 10, 2)), "AIA-73-4-REPORT-DEATH")
    assert death.due_at == utc(2026, 10, 2, 16)  # 24 h after the suspicion, not after the later establishment
    assert any("after the causal link was suspected" in r for r in death.reasons)
    assert death.legal_latest == utc(2026, 10, 12, 21, 59, 59)


def test_a_suspicion_alone_does_not_start_the_fifteen_day_tier():
    # Art 73(2) speaks of an established link (or its reasonable likelihood), not of a suspicion.
    facts = provider("2026-09-04T16:00:00+02:00", causal_link_suspected_at="2026-09-05T10:00:00+02:00", harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 9, 5, 9)), "AIA-73-2-REPORT")
    assert report.due_at == utc(2026, 9, 19, 14)


def test_the_deployer_notice_has_no_legal_latest_only_our_target():
    facts = make(detected_at="2028-09-04T10:00:00+02:00", organisation={"ai_act_role": "deployer"},
                 tools=HIGH_RISK, harm=HEALTH)
    notice = by_id(assess(facts, now=utc(2028, 9, 4, 9)), "AIA-26-5-INFORM-PROVIDER")
    assert notice.status == "pending"
    assert notice.deadline == "immediately"
    assert notice.due_at == utc(2028, 9, 5, 8)
    assert notice.target_is_internal
    assert notice.legal_latest is None
    assert any("no legal long-stop" in r for r in notice.reasons)


def test_an_internal_target_after_the_long_stop_gives_way_to_the_law():
    facts = provider("2026-11-20T09:00:00+01:00", organisation={"immediate_target_hours": 96},
                     harm={"critical_infrastructure_disruption": True, "death": False})
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-3-REPORT-WIDESPREAD")
    assert report.due_at == utc(2026, 11, 22, 8)
    assert not report.target_is_internal
