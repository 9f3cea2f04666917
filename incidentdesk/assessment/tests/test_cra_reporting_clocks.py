"""Cyber Resilience Act Art 14: both tracks, every stage, periods under Reg. 1182/71, in force from 11 Sep 2026.

Sources: Regulation (EU) 2024/2847 Art 3(42), 14(1)-(8), 71(2) (reproductions of the OJ text, checked
2026-12-02); Reg. 1182/71 Art 3; docs/rules.md "Cyber Resilience Act".
"""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from incidentdesk.assessment import assess
from incidentdesk.assessment.facts import unknown_facts

from .facts import by_id, make

MANUFACTURER = {"cra_manufacturer": True}
VULNERABILITY = ("CRA-14-2-A-VULN-EARLY-WARNING", "CRA-14-2-B-VULN-NOTIFICATION", "CRA-14-2-C-VULN-FINAL")
INCIDENT = ("CRA-14-4-A-INCIDENT-EARLY-WARNING", "CRA-14-4-B-INCIDENT-NOTIFICATION", "CRA-14-4-C-INCIDENT-FINAL")
ALL = VULNERABILITY + INCIDENT + ("CRA-14-8-INFORM-USERS",)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def product_incident(aware_at: str, vulnerability: bool | None = False, severe: bool | None = False,
                     organisation: dict | None = None, **facts):
    return make(detected_at=aware_at, organisation=MANUFACTURER | (organisation or {}),
                product_security={"actively_exploited_vulnerability": vulnerability, "severe_incident": severe},
                **facts)


def outcomes(facts, now):
    result = assess(facts, now=now)
    return {rule_id: by_id(result, rule_id) for rule_id in ALL}


# --- actively exploited vulnerability: 24 h, 72 h, 14 days after the fix ------------------------------------

def test_the_early_warning_and_notification_run_24_and_72_hours_from_the_next_full_hour():
    # Aware at 10:20 Brussels time on Friday 20 November: the hour 10:00-11:00 is not counted (Art 3(1)).
    clocks = outcomes(product_incident("2026-11-20T10:20:00+01:00", vulnerability=True), now=utc(2026, 11, 20, 10))
    warning, notification = clocks["CRA-14-2-A-VULN-EARLY-WARNING"], clocks["CRA-14-2-B-VULN-NOTIFICATION"]
    assert (warning.status, notification.status) == ("pending", "pending")
    assert warning.due_at == utc(2026, 11, 21, 9, 20)
    assert warning.legal_latest == utc(2026, 11, 21, 10)  # Saturday 11:00 local: no weekend extension for hours
    assert notification.due_at == utc(2026, 11, 23, 9, 20)
    assert notification.legal_latest == utc(2026, 11, 23, 10)
    assert "CSIRT designated as coordinator and ENISA" in warning.recipient


def test_hours_follow_the_local_clock_hour_in_a_half_hour_zone():
    facts = product_incident("2026-11-20T10:20:00+05:45", vulnerability=True,
                             organisation={"country": "NP", "time_zone": "Asia/Kathmandu"})
    warning = outcomes(facts, now=utc(2026, 11, 20, 5))["CRA-14-2-A-VULN-EARLY-WARNING"]
    assert warning.due_at == utc(2026, 11, 21, 4, 35)
    assert warning.legal_latest == utc(2026, 11, 21, 5, 15)  # 11:00 local the next day


def test_the_early_warning_is_overdue_after_24_hours():
    warning = outcomes(product_incident("2026-11-20T10:20:00+01:00", vulnerability=True),
                       now=utc(2026, 11, 21, 9, 21))["CRA-14-2-A-VULN-EARLY-WARNING"]
    assert warning.status == "overdue"


def test_the_final_report_waits_for_a_corrective_measure():
    final = outcomes(product_incident("2026-11-20T10:20:00+01:00", vulnerability=True),
                     now=utc(2026, 12, 30))["CRA-14-2-C-VULN-FINAL"]
    assert (final.status, final.due_at) == ("pending", None)
    assert any("corrective or mitigating measure available" in r and "not yet recorded" in r for r in final.reasons)


def test_the_final_report_is_due_14_days_after_the_corrective_measure_is_available():
    facts = product_incident("2026-11-20T10:20:00+01:00", vulnerability=True,
                             corrective_measure_available_at="2026-11-25T16:00:00+01:00")
    final = outcomes(facts, now=utc(2026, 11, 26))["CRA-14-2-C-VULN-FINAL"]
    assert final.clock_start == utc(2026, 11, 25, 15)
    assert final.due_at == utc(2026, 12, 9, 15)
    assert final.legal_latest == utc(2026, 12, 9, 22, 59, 59)  # end of Wednesday 9 December, Art 3(2)(b)


def test_a_corrective_measure_in_the_future_is_refused():
    facts = product_incident("2026-11-20T10:20:00+01:00", vulnerability=True,
                             corrective_measure_available_at="2026-12-25T16:00:00+01:00")
    with pytest.raises(ValueError, match="fix or mitigation available at"):
        facts.check_not_future(utc(2026, 11, 26))


def test_a_corrective_measure_without_an_offset_is_refused_with_the_field_named():
    with pytest.raises(ValidationError) as refused:
        product_incident("2026-11-20T10:20:00+01:00", corrective_measure_available_at="2026-11-25T16:00:00")
    assert refused.value.errors()[0]["loc"] == ("corrective_measure_available_at",)


# --- severe incident: 24 h, 72 h, one month after the notification ------------------------------------------

def test_a_severe_incident_has_its_own_early_warning_and_notification():
    clocks = outcomes(product_incident("2026-11-20T10:20:00+01:00", severe=True), now=utc(2026, 11, 20, 10))
    assert clocks["CRA-14-4-A-INCIDENT-EARLY-WARNING"].legal_latest == utc(2026, 11, 21, 10)
    assert clocks["CRA-14-4-B-INCIDENT-NOTIFICATION"].legal_latest == utc(2026, 11, 23, 10)
    assert all(clocks[rule_id].status == "not_required" for rule_id in VULNERABILITY)


def test_the_incident_final_report_runs_one_month_from_the_notification_with_christmas_moved_on():
    facts = product_incident("2026-11-24T10:20:00+01:00", severe=True,
                             completed={"CRA-14-4-B-INCIDENT-NOTIFICATION": "2026-11-25T10:00:00+01:00"})
    final = outcomes(facts, now=utc(2026, 11, 26))["CRA-14-4-C-INCIDENT-FINAL"]
    assert final.due_at == utc(2026, 12, 25, 9)
    # Friday 25 December is Christmas: the period runs to Monday 28 December (Art 3(4)).
    assert final.legal_latest == utc(2026, 12, 28, 22, 59, 59)
    assert any("Christmas" in r for r in final.reasons)


def test_the_incident_final_report_waits_for_the_notification():
    final = outcomes(product_incident("2026-11-24T10:20:00+01:00", severe=True),
                     now=utc(2026, 12, 30))["CRA-14-4-C-INCIDENT-FINAL"]
    assert (final.status, final.due_at) == ("pending", None)
    assert any("CRA-14-4-B-INCIDENT-NOTIFICATION is done; not yet" in r for r in final.reasons)


# --- informing users (14(8)): no number -------------------------------------------------------------------------

@pytest.mark.parametrize(("vulnerability", "severe"), [(True, False), (False, True)])
def test_impacted_users_are_informed_without_a_fixed_deadline(vulnerability, severe):
    users = outcomes(product_incident("2026-11-20T10:20:00+01:00", vulnerability=vulnerability, severe=severe),
                     now=utc(2026, 12, 30))["CRA-14-8-INFORM-USERS"]
    assert (users.status, users.due_at, users.deadline) == ("pending", None, "without undue delay")


# --- in force from 11 September 2026 (Art 71(2)), in the organisation's time zone -------------------------------

def test_not_in_force_the_day_before_11_september_2026():
    clocks = outcomes(product_incident("2026-09-10T23:30:00+02:00", vulnerability=True), now=utc(2026, 9, 11))
    warning = clocks["CRA-14-2-A-VULN-EARLY-WARNING"]
    assert warning.status == "not_required"
    assert "Not in force on 2026-09-10: applies from 2026-09-11 (CRA Art 71(2))" in warning.reasons[-1]


def test_in_force_from_the_first_hour_of_11_september_local_time():
    # 00:30 in Brussels is still 10 September in UTC.
    warning = outcomes(product_incident("2026-09-11T00:30:00+02:00", vulnerability=True),
                       now=utc(2026, 9, 11))["CRA-14-2-A-VULN-EARLY-WARNING"]
    assert warning.status == "pending"
    assert warning.legal_latest == utc(2026, 9, 11, 23)  # 01:00 local on 12 September


# --- may apply / does not apply ----------------------------------------------------------------------------------

def test_an_unknown_exploitation_may_apply_names_the_fact_and_is_never_overdue():
    warning = outcomes(product_incident("2026-11-20T10:20:00+01:00", vulnerability=None),
                       now=utc(2026, 12, 30))["CRA-14-2-A-VULN-EARLY-WARNING"]
    assert warning.status == "may_apply"
    assert any("Actively exploited vulnerability in our product" in r for r in warning.reasons)
    assert warning.legal_latest == utc(2026, 11, 21, 10)


def test_an_unknown_manufacturer_role_may_apply():
    warning = outcomes(product_incident("2026-11-20T10:20:00+01:00", severe=True,
                                        organisation={"cra_manufacturer": None}),
                       now=utc(2026, 11, 20, 10))["CRA-14-4-A-INCIDENT-EARLY-WARNING"]
    assert warning.status == "may_apply"
    assert any("We manufacture products with digital elements" in r for r in warning.reasons)


def test_an_organisation_that_makes_no_product_reports_nothing_and_says_why():
    facts = product_incident("2026-11-20T10:20:00+01:00", vulnerability=True, severe=True,
                             organisation={"cra_manufacturer": False})
    for outcome in outcomes(facts, now=utc(2026, 11, 20, 10)).values():
        assert outcome.status == "not_required"
        assert "We manufacture products with digital elements: No" in outcome.reasons[0]


def test_no_exploited_vulnerability_and_no_severe_incident_reports_nothing():
    for outcome in outcomes(product_incident("2026-11-20T10:20:00+01:00"), now=utc(2026, 11, 20, 10)).values():
        assert outcome.status == "not_required"
        assert outcome.reasons[0].startswith("Does not apply: ")


def test_the_product_facts_are_asked_only_of_a_possible_manufacturer():
    assert "product_security.severe_incident" in unknown_facts(make(organisation={"cra_manufacturer": None}))
    assert not any(name.startswith("product_security.")
                   for name in unknown_facts(make(organisation={"cra_manufacturer": False})))
