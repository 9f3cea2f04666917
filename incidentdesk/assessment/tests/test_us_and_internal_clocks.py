"""California SB 53, New York RAISE, Colorado (repealed), and the seed procedure's internal clocks."""

from datetime import UTC, datetime

from incidentdesk.assessment import assess

from .facts import by_id, make


def utc(*args):
    return datetime(*args, tzinfo=UTC)


CA = {"country": "US", "time_zone": "America/Los_Angeles", "sb53_frontier_developer": True,
      "raise_frontier_developer": True}


def test_sb53_fifteen_calendar_days_and_24h_on_imminent_risk():
    facts = make(detected_at="2026-11-20T09:00:00-08:00", organisation=CA,
                 harm={"critical_safety_incident": True, "imminent_risk_of_death_or_injury": True})
    result = assess(facts, now=utc(2026, 11, 21))
    oes = by_id(result, "SB53-22757-13-C-OES")
    assert oes.due_at == oes.legal_latest == utc(2026, 12, 5, 17)
    assert by_id(result, "SB53-22757-13-C-IMMINENT").due_at == utc(2026, 11, 21, 17)


def test_raise_act_is_not_in_force_in_2026_but_is_in_2027():
    harm = {"critical_safety_incident": True, "imminent_risk_of_death_or_injury": False}
    before = by_id(assess(make(detected_at="2026-11-20T09:00:00-05:00", organisation=CA, harm=harm),
                          now=utc(2026, 11, 21)), "RAISE-1422-DFS")
    assert before.status == "not_required"
    assert "applies from 2027-01-01" in before.reasons[-1]
    after = by_id(assess(make(detected_at="2027-01-05T09:00:00-05:00", organisation=CA, harm=harm),
                         now=utc(2027, 1, 5, 15)), "RAISE-1422-DFS")
    assert after.status == "pending"
    assert after.due_at == utc(2027, 1, 8, 14)


def test_colorado_shows_why_it_never_applies():
    co = by_id(assess(make(harm={"algorithmic_discrimination": True}), now=utc(2026, 11, 22)), "CO-6-1-1703-7-AG")
    assert co.status == "not_required"
    assert co.reasons == ["Repealed – never in force: SB 26-189 (signed 14 May 2026) repealed the 90-day Attorney "
                          "General notification before it took effect."]


def test_classify_within_24h_of_detection_and_done_once_classified():
    result = assess(make(), now=utc(2026, 11, 20, 12))
    assert by_id(result, "PROC-6-3-CLASSIFY").due_at == utc(2026, 11, 21, 8)
    done = assess(make(classified_at="2026-11-20T18:00:00+01:00"), now=utc(2026, 11, 22))
    assert by_id(done, "PROC-6-3-CLASSIFY").status == "done"


def test_level_two_publication_corrected_within_48h_and_rca_in_14_days():
    result = assess(make(published_externally=True, personal_data={"involved": False}), now=utc(2026, 11, 20, 12))
    assert by_id(result, "PROC-4-L2-CORRECT").due_at == utc(2026, 11, 22, 8)
    assert by_id(result, "PROC-6-5-RCA").due_at == utc(2026, 12, 4, 8)


def test_level_one_needs_no_rca():
    result = assess(make(published_externally=False, personal_data={"involved": False}), now=utc(2026, 11, 20, 12))
    assert by_id(result, "PROC-6-5-RCA").status == "not_required"


def test_internal_days_are_exact_across_the_autumn_dst_change():
    # 25 Oct 2026: CEST -> CET. 14 x 24 h from 09:00 CEST ends at 08:00 CET.
    result = assess(make(detected_at="2026-10-20T09:00:00+02:00", published_externally=True,
                         personal_data={"involved": False}), now=utc(2026, 10, 21))
    assert by_id(result, "PROC-6-5-RCA").due_at == utc(2026, 11, 3, 7)


def test_level_three_gdpr_assessment_within_24h_even_when_personal_data_is_unknown():
    result = assess(make(personal_data={"involved": None}), now=utc(2026, 11, 20, 12))
    duty = by_id(result, "PROC-4-L3-GDPR-ASSESSMENT")
    assert duty.status == "pending"
    assert duty.due_at == utc(2026, 11, 21, 8)
