"""A person's decision to notify starts the GDPR clocks even while some facts are still unknown.

Found by a review of issue 12: with "What was lost" not yet answered, a recorded decision "notify: yes" left the
Art 33 and Art 34 clocks at "may apply", and the report the DPO signs showed "may apply" beside "Decision: notify".
"""

from datetime import UTC, datetime

from incidentdesk.assessment.engine import assess

from .facts import NOW, by_id, make

DECIDED = {"notify_supervisory_authority": True, "communicate_to_data_subjects": True, "reasons": "Counsel advised"}


def _gdpr(decision: dict | None):
    facts = make(aware_at="2026-11-20T10:00:00+01:00", personal_data={"involved": True},
                 **({"gdpr_decision": decision} if decision else {}))
    result = assess(facts, now=NOW)
    return by_id(result, "GDPR-33-1-SA"), by_id(result, "GDPR-34-1-SUBJECTS")


def test_without_a_decision_unknown_facts_leave_the_clocks_at_may_apply():
    authority, subjects = _gdpr(None)
    assert (authority.status, subjects.status) == ("may_apply", "may_apply")


def test_a_decision_to_notify_makes_both_clocks_apply_from_awareness():
    authority, subjects = _gdpr(DECIDED)
    assert (authority.applies, subjects.applies) == (True, True)
    assert authority.status in ("pending", "overdue")
    assert authority.due_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 72 hours after awareness
    assert any(r.startswith("Required by a person's decision") for r in authority.reasons)


def test_a_decision_not_to_notify_still_wins():
    authority, _ = _gdpr({"notify_supervisory_authority": False, "communicate_to_data_subjects": False,
                          "reasons": "Encrypted, key safe"})
    assert authority.status == "not_required"
