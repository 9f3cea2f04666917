"""AI Act Art 26(5): without the provider's acknowledgement in our internal target, the deployer reports itself.

Art 26(5) second subparagraph: "In the event that the deployer is not able to reach the provider, Article 73
shall apply mutatis mutandis." The notice is the completion of AIA-26-5-INFORM-PROVIDER; the acknowledgement
is ``provider_acknowledged_at``; the wait is the profile's ``provider_ack_hours`` (default 24).
"""

from datetime import UTC, datetime

from incidentdesk.assessment import assess

from .facts import by_id, make

TOOL = [{"name": "Credit scorer", "in_inventory": True, "annex": "annex_iii"}]
HEALTH = {"serious_health_harm": True, "death": False, "critical_infrastructure_disruption": False,
          "widespread_infringement": False}
AWARE = "2028-03-06T09:00:00+01:00"  # a Monday; Art 26(5) applies to Annex III systems from 2 Dec 2027
NOTICE = datetime(2028, 3, 6, 10, 0, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def deployer(**facts):
    return make(detected_at=AWARE, organisation={"ai_act_role": "deployer"}, tools=TOOL, harm=HEALTH, **facts)


def own_report(facts, now):
    return by_id(assess(facts, now=now), "AIA-26-5-DEPLOYER-73-2")


def test_not_raised_before_the_provider_is_notified():
    report = own_report(deployer(), utc(2028, 3, 8))
    assert report.status == "not_required"
    assert "the provider has not been notified yet" in report.reasons[-1]


def test_while_we_wait_for_the_acknowledgement_it_may_apply():
    report = own_report(deployer(completed={"AIA-26-5-INFORM-PROVIDER": NOTICE}), utc(2028, 3, 7, 9))
    assert report.status == "may_apply"
    assert any("Raised if the provider does not acknowledge our notice" in r for r in report.reasons)


def test_no_acknowledgement_within_our_target_raises_our_own_art_73_report():
    report = own_report(deployer(completed={"AIA-26-5-INFORM-PROVIDER": NOTICE}), utc(2028, 3, 7, 11))
    assert report.status == "pending"
    assert report.citation.startswith("AI Act Art 26(5) second subparagraph; Art 73(2)")
    raised = next(r for r in report.reasons if r.startswith("Raised:"))
    assert "no acknowledgement from the provider by 2028-03-07 11:00 CET" in raised
    assert "mutatis mutandis" in raised
    # Art 73's long-stop: 15 days from our awareness (Tue 21 Mar 2028, end of day), and no causal link yet.
    assert report.due_at == utc(2028, 3, 21, 8)
    assert report.legal_latest == utc(2028, 3, 21, 22, 59, 59)


def test_an_acknowledgement_within_our_target_means_the_provider_was_reached():
    facts = deployer(completed={"AIA-26-5-INFORM-PROVIDER": NOTICE}, provider_acknowledged_at="2028-03-06T15:00:00Z")
    report = own_report(facts, utc(2028, 3, 9))
    assert report.status == "not_required"
    assert "the provider acknowledged our notice at 2028-03-06 16:00 CET" in report.reasons[-1]


def test_a_late_acknowledgement_does_not_undo_the_raised_duty():
    facts = deployer(completed={"AIA-26-5-INFORM-PROVIDER": NOTICE}, provider_acknowledged_at="2028-03-08T10:00:00Z")
    report = own_report(facts, utc(2028, 3, 9))
    assert report.status == "pending"
    assert any("acknowledged only at 2028-03-08 11:00 CET, after our internal target" in r for r in report.reasons)


def test_the_wait_is_the_profiles_setting():
    facts = make(detected_at=AWARE, organisation={"ai_act_role": "deployer", "provider_ack_hours": 48}, tools=TOOL,
                 harm=HEALTH, completed={"AIA-26-5-INFORM-PROVIDER": NOTICE})
    assert own_report(facts, utc(2028, 3, 7, 11)).status == "may_apply"
    assert own_report(facts, utc(2028, 3, 8, 11)).status == "pending"


def test_a_death_raises_the_ten_day_tier_and_supersedes_the_fifteen():
    facts = make(detected_at=AWARE, organisation={"ai_act_role": "deployer"}, tools=TOOL,
                 harm=HEALTH | {"death": True}, completed={"AIA-26-5-INFORM-PROVIDER": NOTICE})
    result = assess(facts, now=utc(2028, 3, 7, 11))
    assert by_id(result, "AIA-26-5-DEPLOYER-73-4").status == "pending"
    assert by_id(result, "AIA-26-5-DEPLOYER-73-2").status == "not_required"


def test_a_provider_is_never_given_the_deployers_duty():
    facts = make(detected_at=AWARE, organisation={"ai_act_role": "provider"}, tools=TOOL, harm=HEALTH,
                 completed={"AIA-26-5-INFORM-PROVIDER": NOTICE})
    assert own_report(facts, utc(2028, 3, 8)).status == "not_required"
