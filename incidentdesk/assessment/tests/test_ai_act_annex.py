"""AI Act annex and role facts (issue 11, error 3), application dates per annex and the open Art 73 question,
and Art 73(9)-(10) (only fundamental-rights infringements for some systems)."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from incidentdesk.assessment import assess
from incidentdesk.assessment.facts import ToolFacts

from .facts import by_id, make

NO_OTHER_HARM = {"death": False, "critical_infrastructure_disruption": False, "widespread_infringement": False,
                 "fundamental_rights_breach": False, "serious_property_or_environment_harm": False}
HEALTH = NO_OTHER_HARM | {"serious_health_harm": True}
DEATH = NO_OTHER_HARM | {"death": True, "serious_health_harm": False}
RIGHTS = NO_OTHER_HARM | {"fundamental_rights_breach": True, "serious_health_harm": False}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def tool(**facts):
    return [{"name": "Scoring model", "in_inventory": True} | facts]


def provider(detected_at: str, tools, organisation: dict | None = None, **facts):
    return make(detected_at=detected_at, organisation={"ai_act_role": "provider"} | (organisation or {}),
                tools=tools, **facts)


# ---------------------------------------------------------------- One truth: high-risk follows the annex
def test_high_risk_follows_the_annex():
    assert ToolFacts(name="A", annex="annex_iii").high_risk is True
    assert ToolFacts(name="A", annex="annex_i").high_risk is True
    assert ToolFacts(name="A", annex="not_high_risk").high_risk is False
    assert ToolFacts(name="A", high_risk=True).annex is None  # high-risk, annex not recorded yet


def test_a_high_risk_flag_that_contradicts_the_annex_is_refused():
    with pytest.raises(ValidationError, match="high_risk follows from the annex"):
        ToolFacts(name="A", annex="not_high_risk", high_risk=True)


def test_a_tool_takes_the_profiles_role_unless_it_has_its_own():
    facts = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_iii") + [
        {"name": "Bought-in chatbot", "annex": "annex_iii", "role": "deployer"}])
    assert [t.role for t in facts.tools] == ["provider", "deployer"]


def test_the_role_for_the_tool_decides_the_duty_not_the_profile_alone():
    # The organisation is a provider, but only deploys this high-risk tool: Art 26(5), not Art 73.
    facts = provider("2028-09-04T10:00:00+02:00", tool(annex="annex_iii", role="deployer"), harm=HEALTH)
    result = assess(facts, now=utc(2028, 9, 4, 9))
    assert by_id(result, "AIA-73-2-REPORT").status == "not_required"
    assert by_id(result, "AIA-26-5-INFORM-PROVIDER").status == "pending"


# ---------------------------------------------------------------- Application dates per annex
def test_art_73_for_an_annex_i_system_waits_for_2_august_2027():
    # Art 113(c): Art 6(1) (Annex I) "and the corresponding obligations" apply from 2 August 2027.
    facts = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_i"), harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT")
    assert report.status == "not_required"
    assert "applies from 2027-08-02" in report.reasons[-1]


def test_the_open_question_shows_both_readings_and_the_stricter_one_decides():
    facts = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_iii"), harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT")
    assert report.status == "pending"
    assert "if Art 73 applies from 2 August 2026, report by 2026-12-07 23:59 CET" in report.open_question
    assert "not yet in force for this system (from 2027-12-02)" in report.open_question
    assert "the stricter reading applies" in report.open_question
    assert report.open_question in report.reasons


def test_counsel_saying_art_73_follows_the_omnibus_defers_it():
    facts = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_iii"),
                     organisation={"art73_reading": "follows_2026_1744"}, harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT")
    assert report.status == "not_required"
    assert any("Counsel's answer recorded on the organisation profile" in r for r in report.reasons)
    assert "applies from 2027-12-02" in report.reasons[-1]


def test_counsel_saying_art_73_applies_now_removes_the_open_question():
    facts = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_iii"),
                     organisation={"art73_reading": "from_2026_08_02"}, harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT")
    assert report.status == "pending"
    assert report.open_question == ""


def test_an_unrecorded_annex_gets_the_earlier_date_and_says_so():
    facts = provider("2026-11-20T09:00:00+01:00", tool(high_risk=True), harm=HEALTH)
    report = by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT")
    assert report.status == "pending"
    assert any("Annex of Scoring model not recorded" in r for r in report.reasons)


@pytest.mark.parametrize(("annex", "detected", "status", "applies_from"), [
    ("annex_iii", "2027-12-01T10:00:00+01:00", "not_required", "2027-12-02"),
    ("annex_iii", "2027-12-03T10:00:00+01:00", "pending", None),
    ("annex_i", "2028-01-10T10:00:00+01:00", "not_required", "2028-08-02"),
    ("annex_i", "2028-08-03T10:00:00+02:00", "pending", None),
])
def test_the_deployer_notice_follows_the_omnibus_date_of_its_annex(annex, detected, status, applies_from):
    facts = make(detected_at=detected, organisation={"ai_act_role": "deployer"}, tools=tool(annex=annex),
                 harm=HEALTH)
    notice = by_id(assess(facts, now=datetime.fromisoformat(detected)), "AIA-26-5-INFORM-PROVIDER")
    assert notice.status == status
    if applies_from:
        assert f"applies from {applies_from}" in notice.reasons[-1]


# ---------------------------------------------------------------- Art 73(9)-(10)
def test_a_medical_device_reports_a_death_through_vigilance_not_art_73():
    facts = provider("2027-09-01T12:00:00+02:00", tool(annex="annex_i", medical_device=True), harm=DEATH)
    result = assess(facts, now=utc(2027, 9, 1, 12))
    death = by_id(result, "AIA-73-4-REPORT-DEATH")
    assert death.status == "not_required"
    assert any(r.startswith("Art 73(10): Scoring model is, or is a safety component of, a medical device")
               for r in death.reasons)


def test_a_medical_device_still_reports_a_fundamental_rights_infringement():
    facts = provider("2027-09-01T12:00:00+02:00", tool(annex="annex_i", medical_device=True), harm=RIGHTS)
    report = by_id(assess(facts, now=utc(2027, 9, 1, 12)), "AIA-73-2-REPORT")
    assert report.status == "pending"


def test_an_annex_iii_system_under_equivalent_reporting_reports_only_fundamental_rights():
    health = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_iii", equivalent_reporting=True), harm=HEALTH)
    report = by_id(assess(health, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT")
    assert report.status == "not_required"
    assert any(r.startswith("Art 73(9): Scoring model is an Annex III system") for r in report.reasons)
    rights = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_iii", equivalent_reporting=True), harm=RIGHTS)
    assert by_id(assess(rights, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT").status == "pending"


def test_equivalent_reporting_limits_only_annex_iii_systems():
    facts = provider("2027-09-01T12:00:00+02:00", tool(annex="annex_i", equivalent_reporting=True), harm=HEALTH)
    assert by_id(assess(facts, now=utc(2027, 9, 1, 12)), "AIA-73-2-REPORT").status == "pending"


def test_unknown_sector_facts_keep_the_full_art_73_scope():
    facts = provider("2026-11-20T09:00:00+01:00", tool(annex="annex_iii"), harm=HEALTH)
    assert by_id(assess(facts, now=utc(2026, 11, 20, 12)), "AIA-73-2-REPORT").status == "pending"
