"""GDPR Art 33(1): 72 hours from awareness, exact hours (no weekend extension), DST-proof."""

from datetime import UTC, datetime

from incidentdesk.assessment import assess

from .facts import NOW, by_id, make

BREACH = {"personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["health"],
                            "identifiability": "maximum", "recipient": "untrusted"}}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_it_starts_at_awareness_not_detection():
    facts = make(detected_at="2026-11-20T09:00:00+01:00", aware_at="2026-11-21T15:00:00+01:00", **BREACH)
    art33 = by_id(assess(facts, now=NOW), "GDPR-33-1-SA")
    assert art33.clock_start == utc(2026, 11, 21, 14)
    assert art33.due_at == utc(2026, 11, 24, 14)
    assert art33.status == "pending"


def test_unrecorded_awareness_falls_back_to_detection_and_says_so():
    art33 = by_id(assess(make(**BREACH), now=NOW), "GDPR-33-1-SA")
    assert art33.clock_start == utc(2026, 11, 20, 8)
    assert any("detection time used" in r for r in art33.reasons)


def test_72_hours_are_exact_across_the_spring_dst_change():
    # 29 March 2026: Brussels moves from CET to CEST; 72 elapsed hours end at 11:00 local, not 10:00.
    facts = make(detected_at="2026-03-27T10:00:00+01:00", **BREACH)
    art33 = by_id(assess(facts, now=utc(2026, 3, 28)), "GDPR-33-1-SA")
    assert art33.due_at == utc(2026, 3, 30, 9)
    assert art33.due_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Brussels")).hour == 11


def test_hours_get_no_weekend_extension():
    facts = make(detected_at="2026-11-19T09:00:00+01:00", **BREACH)  # due Sunday 22 Nov
    art33 = by_id(assess(facts, now=NOW), "GDPR-33-1-SA")
    assert art33.due_at == utc(2026, 11, 22, 8)
    # Only the hour of the event (09:00-10:00 local) is left out (Reg. 1182/71 Art 3(1)); Sunday stays Sunday.
    assert art33.legal_latest == utc(2026, 11, 22, 9)


def test_the_hour_of_awareness_is_not_counted_in_the_legal_latest():
    # Reg. 1182/71 Art 3(1) second subparagraph: "Where a period expressed in hours is to be calculated from
    # the moment at which an event occurs …, the hour during which that event occurs … shall not be considered
    # as falling within the period". Aware 10:20 local: 72 hours counted from 11:00, ending 11:00 three days on.
    facts = make(detected_at="2026-11-20T10:20:00+01:00", **BREACH)
    art33 = by_id(assess(facts, now=NOW), "GDPR-33-1-SA")
    assert art33.due_at == utc(2026, 11, 23, 9, 20)  # the target stays exact: 72 elapsed hours
    assert art33.legal_latest == utc(2026, 11, 23, 10)
    assert any("Art 3(1)" in r and "our reading" in r.lower() for r in art33.reasons)


def test_it_is_overdue_after_72_hours():
    facts = make(detected_at="2026-11-18T09:00:00+01:00", **BREACH)
    assert by_id(assess(facts, now=NOW), "GDPR-33-1-SA").status == "overdue"


def test_sending_it_completes_it():
    facts = make(detected_at="2026-11-18T09:00:00+01:00", completed={"GDPR-33-1-SA": "2026-11-19T10:00:00Z"},
                 **BREACH)
    assert by_id(assess(facts, now=NOW), "GDPR-33-1-SA").status == "done"


def test_no_personal_data_means_not_required_with_the_reason():
    art33 = by_id(assess(make(personal_data={"involved": False}), now=NOW), "GDPR-33-1-SA")
    assert art33.status == "not_required"
    assert "Is personal data involved? No" in art33.reasons[-1]


def test_unknown_personal_data_may_apply_and_names_the_fact():
    art33 = by_id(assess(make(), now=NOW), "GDPR-33-1-SA")
    assert art33.status == "may_apply"
    assert "Is personal data involved?" in art33.reasons[0]


def test_a_processor_tells_the_controller_instead():
    facts = make(organisation={"gdpr_role": "processor"}, **BREACH)
    result = assess(facts, now=NOW)
    assert by_id(result, "GDPR-33-2-CONTROLLER").status == "pending"
    assert by_id(result, "GDPR-33-1-SA").status == "not_required"


def test_a_persons_decision_not_to_notify_is_stored_as_the_reason():
    facts = make(gdpr_decision={"notify_supervisory_authority": False, "communicate_to_data_subjects": False,
                                "reasons": "Data encrypted; key safe"}, **BREACH)
    art33 = by_id(assess(facts, now=NOW), "GDPR-33-1-SA")
    assert art33.status == "not_required"
    assert "Data encrypted; key safe" in art33.reasons[-1]
    assert "recommendation was notify" in art33.reasons[-1]
