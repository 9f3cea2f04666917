"""NIS2 Art 23(4) stages and DORA RTS 2025/301 Art 5 time limits, including weekend relief."""

from datetime import UTC, datetime

from incidentdesk.assessment import assess

from .facts import by_id, make


def utc(*args):
    return datetime(*args, tzinfo=UTC)


NIS2 = {"nis2_entity": True}
DORA = {"dora_financial_entity": True}


def test_nis2_early_warning_24h_and_notification_72h_from_awareness():
    result = assess(make(organisation=NIS2, significant_incident=True), now=utc(2026, 11, 20, 12))
    assert by_id(result, "NIS2-23-4-A-EARLY-WARNING").due_at == utc(2026, 11, 21, 8)
    assert by_id(result, "NIS2-23-4-B-NOTIFICATION").due_at == utc(2026, 11, 23, 8)
    assert by_id(result, "NIS2-23-4-B-NOTIFICATION-TSP").status == "not_required"


def test_nis2_final_report_one_month_after_the_notification():
    facts = make(organisation=NIS2, significant_incident=True,
                 completed={"NIS2-23-4-B-NOTIFICATION": "2026-11-22T10:00:00Z"})
    final = by_id(assess(facts, now=utc(2026, 11, 22, 12)), "NIS2-23-4-D-FINAL")
    assert final.due_at == utc(2026, 12, 22, 10)
    assert final.legal_latest == utc(2026, 12, 22, 22, 59, 59)


def test_nis2_final_report_waits_for_the_notification():
    final = by_id(assess(make(organisation=NIS2, significant_incident=True), now=utc(2026, 11, 20, 12)),
                  "NIS2-23-4-D-FINAL")
    assert final.due_at is None
    assert any("NIS2-23-4-B-NOTIFICATION" in r for r in final.reasons)


def test_nis2_trust_service_providers_notify_within_24h():
    facts = make(organisation=NIS2 | {"nis2_trust_service_provider": True}, significant_incident=True)
    result = assess(facts, now=utc(2026, 11, 20, 12))
    assert by_id(result, "NIS2-23-4-B-NOTIFICATION-TSP").due_at == utc(2026, 11, 21, 8)
    assert by_id(result, "NIS2-23-4-B-NOTIFICATION").status == "not_required"


def test_not_a_nis2_entity_means_not_required():
    early = by_id(assess(make(significant_incident=True), now=utc(2026, 11, 20, 12)), "NIS2-23-4-A-EARLY-WARNING")
    assert early.status == "not_required"
    assert "Is the organisation an essential or important entity under NIS2? No" in early.reasons[-1]


def test_dora_initial_four_hours_after_classification():
    facts = make(organisation=DORA, major_ict_incident=True, classified_at="2026-11-20T15:00:00+01:00")
    initial = by_id(assess(facts, now=utc(2026, 11, 20, 15)), "DORA-19-4-A-INITIAL")
    assert initial.due_at == utc(2026, 11, 20, 18)


def test_dora_unclassified_runs_to_24h_after_awareness():
    initial = by_id(assess(make(organisation=DORA, major_ict_incident=True), now=utc(2026, 11, 20, 12)),
                    "DORA-19-4-A-INITIAL")
    assert initial.due_at == utc(2026, 11, 21, 8)
    assert any("long-stop" in r for r in initial.reasons)


def test_dora_late_classification_gives_four_hours_and_weekend_relief_to_noon():
    facts = make(organisation=DORA, major_ict_incident=True, classified_at="2026-11-21T13:00:00+01:00")
    initial = by_id(assess(facts, now=utc(2026, 11, 21, 13)), "DORA-19-4-A-INITIAL")
    assert initial.due_at == utc(2026, 11, 21, 16)  # Saturday
    assert initial.legal_latest == utc(2026, 11, 23, 11)  # noon Monday, Brussels


def test_dora_relief_withheld_for_excluded_entities():
    facts = make(organisation=DORA | {"dora_weekend_relief": False}, major_ict_incident=True,
                 classified_at="2026-11-21T13:00:00+01:00")
    initial = by_id(assess(facts, now=utc(2026, 11, 21, 13)), "DORA-19-4-A-INITIAL")
    assert initial.legal_latest == initial.due_at


def test_dora_intermediate_72h_after_the_initial():
    facts = make(organisation=DORA, major_ict_incident=True, completed={"DORA-19-4-A-INITIAL": "2026-11-20T17:00:00Z"})
    assert by_id(assess(facts, now=utc(2026, 11, 21)), "DORA-19-4-B-INTERMEDIATE").due_at == utc(2026, 11, 23, 17)


# Error 4 of issue 11. RTS 2025/301 Art 5(1)(a): the initial notification is due "within four hours from the
# classification … as major … and no later than 24 hours from the moment the financial entity has become
# aware"; Art 5(4) moves a time limit on a weekend or bank holiday to noon of the next working day.
def test_dora_when_the_24h_limit_binds_it_is_the_legal_latest_not_the_relieved_4h_time():
    # Aware Thursday 23:30; classified Friday 22:00, so 4 h would end Saturday 02:00 but 24 h end Friday 23:30.
    facts = make(detected_at="2026-11-19T23:30:00+01:00", organisation=DORA, major_ict_incident=True,
                 classified_at="2026-11-20T22:00:00+01:00")
    initial = by_id(assess(facts, now=utc(2026, 11, 20, 21)), "DORA-19-4-A-INITIAL")
    assert initial.due_at == utc(2026, 11, 20, 22, 30)
    assert initial.legal_latest == utc(2026, 11, 20, 22, 30)  # a Friday: no relief, never Monday noon
    assert any("falls on a working day" in r for r in initial.reasons)


def test_dora_weekend_relief_is_computed_from_the_24h_limit_when_it_binds():
    # Aware Saturday 23:00; classified Sunday 22:00: 24 h end Sunday 23:00 (binds), 4 h would end Monday 02:00.
    facts = make(detected_at="2026-11-21T23:00:00+01:00", organisation=DORA, major_ict_incident=True,
                 classified_at="2026-11-22T22:00:00+01:00")
    initial = by_id(assess(facts, now=utc(2026, 11, 22, 21)), "DORA-19-4-A-INITIAL")
    assert initial.due_at == utc(2026, 11, 22, 22)
    assert initial.legal_latest == utc(2026, 11, 23, 11)  # Sunday limit -> noon Monday, Brussels


def test_dora_excluded_entities_get_the_24h_limit_itself():
    facts = make(detected_at="2026-11-21T23:00:00+01:00", organisation=DORA | {"dora_weekend_relief": False},
                 major_ict_incident=True, classified_at="2026-11-22T22:00:00+01:00")
    initial = by_id(assess(facts, now=utc(2026, 11, 22, 21)), "DORA-19-4-A-INITIAL")
    assert initial.legal_latest == initial.due_at == utc(2026, 11, 22, 22)


def test_dora_clients_are_informed_only_of_a_major_incident():
    # DORA Art 19(3): "Where a major ICT-related incident occurs and has an impact on the financial interests
    # of clients" (OJ text, checked 2026-12-01).
    minor = make(organisation=DORA, major_ict_incident=False, clients_financial_interests_affected=True)
    clients = by_id(assess(minor, now=utc(2026, 11, 20, 12)), "DORA-19-3-CLIENTS")
    assert clients.status == "not_required"
    assert "Is it a major ICT-related incident under DORA? No" in clients.reasons[-1]
    major = make(organisation=DORA, major_ict_incident=True, clients_financial_interests_affected=True)
    assert by_id(assess(major, now=utc(2026, 11, 20, 12)), "DORA-19-3-CLIENTS").status == "pending"
