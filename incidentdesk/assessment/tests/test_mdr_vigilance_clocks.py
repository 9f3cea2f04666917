"""MDR Art 87 vigilance for AI that is a medical device: every tier, the shortest legal long-stop wins.

Sources: Regulation (EU) 2017/745 Art 2(64)-(66), 87(1)(a), 87(3)-(6) (reproductions of the OJ text, checked
2026-12-02) and MDCG 2023-3 for the terms; docs/rules.md "Medical devices".
"""

from datetime import UTC, datetime

from incidentdesk.assessment import assess
from incidentdesk.assessment.facts import unknown_facts

from .facts import by_id, make

MANUFACTURER = {"mdr_manufacturer": True}
DEVICE = [{"name": "Sepsis predictor", "in_inventory": True, "high_risk": True, "medical_device": True}]
TIERS = ("MDR-87-3-SERIOUS-INCIDENT", "MDR-87-4-PUBLIC-HEALTH-THREAT", "MDR-87-5-DEATH-OR-DETERIORATION")
#: Every harm and device fact known and "no": a test says yes to what its case is about.
NO_HARM = {"death": False, "serious_health_harm": False}
NO_DEVICE_FACT = {"could_have_led_to_death_or_serious_deterioration": False, "serious_public_health_threat": False,
                  "unanticipated_serious_deterioration": False, "expected_documented_side_effect": False}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def device_incident(aware_at: str, harm: dict | None = None, device: dict | None = None, organisation=None,
                    tools=None, **facts):
    return make(detected_at=aware_at, organisation=MANUFACTURER | (organisation or {}),
                tools=DEVICE if tools is None else tools, harm=NO_HARM | (harm or {}),
                medical_device=NO_DEVICE_FACT | (device or {}), **facts)


def outcomes(facts, now):
    result = assess(facts, now=now)
    return {rule_id: by_id(result, rule_id) for rule_id in TIERS}


# --- 87(3): any serious incident, 15 days -------------------------------------------------------------------

def test_a_serious_deterioration_is_due_15_days_after_awareness_with_the_legal_latest_after_the_weekend():
    tiers = outcomes(device_incident("2026-11-20T09:00:00+01:00", harm={"serious_health_harm": True}),
                     now=utc(2026, 11, 21))
    report = tiers["MDR-87-3-SERIOUS-INCIDENT"]
    assert (report.status, report.applies) == ("pending", True)
    assert report.due_at == utc(2026, 12, 5, 8)  # a Saturday
    assert report.legal_latest == utc(2026, 12, 7, 22, 59, 59)  # end of Monday, Reg. 1182/71 Art 3(4)
    assert tiers["MDR-87-4-PUBLIC-HEALTH-THREAT"].status == "not_required"
    assert tiers["MDR-87-5-DEATH-OR-DETERIORATION"].status == "not_required"


def test_immediately_after_the_causal_link_is_the_target_and_the_15_days_stay_the_legal_latest():
    facts = device_incident("2026-11-20T09:00:00+01:00", harm={"serious_health_harm": True},
                            causal_link_established_at="2026-11-23T14:00:00+01:00")
    report = outcomes(facts, now=utc(2026, 11, 23, 14))["MDR-87-3-SERIOUS-INCIDENT"]
    assert report.due_at == utc(2026, 11, 24, 13)  # 'immediately', read as 24 hours (our reading)
    assert report.legal_latest == utc(2026, 12, 7, 22, 59, 59)


def test_a_near_miss_is_a_serious_incident():
    # Art 2(65): an incident that "might have led or might lead to" a death or serious deterioration.
    facts = device_incident("2026-11-20T09:00:00+01:00",
                            device={"could_have_led_to_death_or_serious_deterioration": True})
    report = outcomes(facts, now=utc(2026, 11, 21))["MDR-87-3-SERIOUS-INCIDENT"]
    assert report.status == "pending"
    assert any("Could have led to a death or a serious deterioration in health: Yes" in r for r in report.reasons)


def test_days_are_counted_in_the_organisations_time_zone():
    # 00:30 on Friday 20 November in Helsinki is still Thursday in UTC: the period ends with Monday 7 December
    # (Saturday 5 December moved on, Art 3(4)), not with Friday 4 December.
    facts = device_incident("2026-11-20T00:30:00+02:00", harm={"serious_health_harm": True},
                            organisation={"country": "FI", "time_zone": "Europe/Helsinki"})
    report = outcomes(facts, now=utc(2026, 11, 21))["MDR-87-3-SERIOUS-INCIDENT"]
    assert report.due_at == utc(2026, 12, 4, 22, 30)
    assert report.legal_latest == utc(2026, 12, 7, 21, 59, 59)


# --- 87(4): serious public health threat, 2 days ------------------------------------------------------------

def test_a_public_health_threat_gives_two_days_with_two_working_days_and_supersedes_the_fifteen():
    facts = device_incident("2026-11-20T09:00:00+01:00", device={"serious_public_health_threat": True})
    tiers = outcomes(facts, now=utc(2026, 11, 20, 12))
    threat = tiers["MDR-87-4-PUBLIC-HEALTH-THREAT"]
    assert threat.status == "pending"
    # 'Immediately' is not tied to a causal link here: 24 hours from awareness (our reading).
    assert threat.due_at == utc(2026, 11, 21, 8)
    # Two days end on Sunday 22nd -> Monday (Art 3(4)); Saturday to Monday holds one working day -> Tuesday (3(5)).
    assert threat.legal_latest == utc(2026, 11, 24, 22, 59, 59)
    general = tiers["MDR-87-3-SERIOUS-INCIDENT"]
    assert general.status == "not_required"
    assert "Superseded by the shorter tier MDR-87-4-PUBLIC-HEALTH-THREAT" in general.reasons[-1]


# --- 87(5): death or unanticipated serious deterioration, 10 days -------------------------------------------

def test_a_death_gives_ten_days_from_awareness():
    tiers = outcomes(device_incident("2026-10-01T12:00:00+02:00", harm={"death": True}), now=utc(2026, 10, 2))
    death = tiers["MDR-87-5-DEATH-OR-DETERIORATION"]
    assert death.status == "pending"
    assert death.due_at == utc(2026, 10, 11, 10)  # a Sunday
    assert death.legal_latest == utc(2026, 10, 12, 21, 59, 59)
    assert tiers["MDR-87-3-SERIOUS-INCIDENT"].status == "not_required"


def test_with_a_causal_link_every_target_is_the_same_so_the_legal_long_stop_ranks_the_tiers():
    # Issue 11 error 1, for the MDR: the 15-day tier must not win the tie of the 'immediately' targets.
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"death": True},
                            causal_link_established_at="2026-10-02T08:00:00+02:00")
    tiers = outcomes(facts, now=utc(2026, 10, 2, 9))
    death = tiers["MDR-87-5-DEATH-OR-DETERIORATION"]
    assert death.due_at == utc(2026, 10, 3, 6)
    assert death.legal_latest == utc(2026, 10, 12, 21, 59, 59)  # 10 days, not 15
    assert tiers["MDR-87-3-SERIOUS-INCIDENT"].status == "not_required"


def test_an_unanticipated_deterioration_gives_ten_days():
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"serious_health_harm": True},
                            device={"unanticipated_serious_deterioration": True})
    tiers = outcomes(facts, now=utc(2026, 10, 2))
    assert tiers["MDR-87-5-DEATH-OR-DETERIORATION"].legal_latest == utc(2026, 10, 12, 21, 59, 59)
    assert tiers["MDR-87-3-SERIOUS-INCIDENT"].status == "not_required"


def test_a_death_that_is_also_a_public_health_threat_gives_two_days():
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"death": True},
                            device={"serious_public_health_threat": True})
    tiers = outcomes(facts, now=utc(2026, 10, 1, 13))
    threat = tiers["MDR-87-4-PUBLIC-HEALTH-THREAT"]
    assert threat.status == "pending"
    assert threat.legal_latest == utc(2026, 10, 5, 21, 59, 59)  # Sat 3rd -> Mon 5th (Art 3(4)); Fri+Mon: 2 working days
    assert tiers["MDR-87-5-DEATH-OR-DETERIORATION"].status == "not_required"
    assert tiers["MDR-87-3-SERIOUS-INCIDENT"].status == "not_required"


# --- may apply: unknown facts are named, never overdue -------------------------------------------------------

def test_an_unknown_anticipation_keeps_the_shorter_tier_visible_as_may_apply():
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"serious_health_harm": True},
                            device={"unanticipated_serious_deterioration": None})
    tiers = outcomes(facts, now=utc(2026, 10, 30))
    possible = tiers["MDR-87-5-DEATH-OR-DETERIORATION"]
    assert possible.status == "may_apply"
    assert any("Unanticipated serious deterioration in health" in r for r in possible.reasons)
    assert possible.legal_latest == utc(2026, 10, 12, 21, 59, 59)
    assert tiers["MDR-87-3-SERIOUS-INCIDENT"].status == "overdue"


def test_a_tool_not_known_to_be_a_medical_device_may_apply_and_is_never_overdue():
    tool = [{"name": "Sepsis predictor", "in_inventory": True, "high_risk": True, "medical_device": None}]
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"death": True}, tools=tool)
    death = outcomes(facts, now=utc(2026, 12, 1))["MDR-87-5-DEATH-OR-DETERIORATION"]
    assert death.status == "may_apply"
    assert any("Is the tool a medical device, or a safety component of one?" in r for r in death.reasons)


def test_a_manufacturer_role_not_on_the_profile_may_apply():
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"death": True}, organisation={"mdr_manufacturer": None})
    death = outcomes(facts, now=utc(2026, 10, 2))["MDR-87-5-DEATH-OR-DETERIORATION"]
    assert death.status == "may_apply"
    assert any("We manufacture a medical device" in r for r in death.reasons)


# --- does not apply, with the reason -------------------------------------------------------------------------

def test_an_organisation_that_makes_no_medical_device_reports_nothing_and_says_why():
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"death": True},
                            organisation={"mdr_manufacturer": False})
    for report in outcomes(facts, now=utc(2026, 10, 2)).values():
        assert report.status == "not_required"
        assert "We manufacture a medical device: No" in report.reasons[0]


def test_a_tool_that_is_not_a_medical_device_reports_nothing():
    tool = [{"name": "Chatbot", "in_inventory": True, "high_risk": False, "medical_device": False}]
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"death": True}, tools=tool)
    for report in outcomes(facts, now=utc(2026, 10, 2)).values():
        assert report.status == "not_required"
        assert "Is the tool a medical device, or a safety component of one? Chatbot: No" in report.reasons[0]


def test_an_expected_documented_side_effect_is_left_to_trend_reporting():
    facts = device_incident("2026-10-01T12:00:00+02:00", harm={"serious_health_harm": True},
                            device={"expected_documented_side_effect": True})
    for report in outcomes(facts, now=utc(2026, 10, 2)).values():
        assert report.status == "not_required"
    reasons = outcomes(facts, now=utc(2026, 10, 2))["MDR-87-3-SERIOUS-INCIDENT"].reasons
    assert "Expected side-effect, documented and trend-reported: Yes" in reasons[0]


def test_no_serious_outcome_reports_nothing():
    report = outcomes(device_incident("2026-10-01T12:00:00+02:00"), now=utc(2026, 10, 2))["MDR-87-3-SERIOUS-INCIDENT"]
    assert report.status == "not_required"
    assert "Did it lead to a person's death? No" in report.reasons[0]


# --- the unknown facts list ----------------------------------------------------------------------------------

def test_the_device_facts_are_asked_only_of_a_possible_manufacturer():
    asked = unknown_facts(make(organisation={"mdr_manufacturer": None}))
    assert "medical_device.serious_public_health_threat" in asked
    not_asked = unknown_facts(make(organisation={"mdr_manufacturer": False}))
    assert not any(name.startswith("medical_device.") for name in not_asked)



def test_a_causal_link_thought_reasonably_possible_starts_the_87_3_duty():
    """Art 87(3): "immediately after ... established a causal relationship ... or that such causal relationship is
    reasonably possible" (found by a review: the suspected-link time was ignored for this tier)."""
    facts = device_incident("2026-12-01T09:00:00+01:00", harm={"serious_health_harm": True},
                            causal_link_suspected_at="2026-12-01T12:00:00+01:00")
    report = outcomes(facts, now=utc(2026, 12, 1, 12))["MDR-87-3-SERIOUS-INCIDENT"]
    assert report.due_at == utc(2026, 12, 2, 11)  # our 24 h internal target, from the suspicion
