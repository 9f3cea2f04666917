"""Each incident's regimes column (decision 216) equals a recomputation from its obligations after every path
that writes them, the register's regime filter answers as before, and it walks the regime's partial index."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidentdesk.incidents import regimes
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.register import register_page
from incidentdesk.incidents.services import update_incident
from incidentdesk.obligations.models import Obligation

PERSONAL = {"published_externally": False, "personal_data": {"involved": True, "lost": ["confidentiality"]}}
EARLY, LATE = datetime(2026, 11, 20, 8, tzinfo=UTC), datetime(2026, 11, 20, 9, tzinfo=UTC)


def recomputed(incident: Incident) -> set[str]:
    """The regime filter's meaning, from the obligations themselves (the ORM, not the column's SQL)."""
    rows = Obligation.objects.filter(incident=incident, status__in=regimes.APPLYING)
    return {regime for regime in rows.values_list("regime", flat=True) if regime in regimes.BITS}


def stored(incident: Incident) -> set[str]:
    return set(regimes.names(Incident.objects.values_list("regimes", flat=True).get(pk=incident.pk)))


def assert_true_to_obligations(*incidents: Incident) -> None:
    for incident in incidents:
        assert stored(incident) == recomputed(incident), incident.reference
    assert regimes.drift() == 0


def test_recording_fills_the_regimes_of_the_new_incident(record):
    plain, personal = record(), record(title="Leak", facts=PERSONAL)
    assert_true_to_obligations(plain, personal)
    assert "gdpr" in stored(personal)
    assert "gdpr" not in stored(plain)
    assert "internal" in stored(plain)


def test_editing_the_facts_adds_and_removes_a_regime(record, manager):
    incident = record()
    update_incident(incident=incident, by=manager, changes={"personal_data.involved": True,
                                                             "personal_data.lost": ["confidentiality"]})
    assert "gdpr" in stored(incident)
    assert_true_to_obligations(incident)
    incident.refresh_from_db()
    update_incident(incident=incident, by=manager, changes={"personal_data.involved": False})
    assert "gdpr" not in stored(incident)
    assert_true_to_obligations(incident)


def test_an_obligation_done_or_settled_still_counts_and_merge_keeps_it(record, manager):
    from incidentdesk.linking import services as linking
    from incidentdesk.obligations import services as obligations

    first = record(title="Chatbot leaked a ticket", detected_at=EARLY, facts=PERSONAL)
    second = record(title="Same leak, reported again", detected_at=LATE, facts=PERSONAL)
    clock = first.obligations.filter(status="pending").first()
    obligations.settle(obligation=clock, reason="not applicable because it was a test", by=manager, at=LATE,
                       now=LATE)
    assert_true_to_obligations(first)
    linking.merge(duplicate=second, into=first, reason="same", by=manager, now=LATE)
    assert set(Obligation.objects.filter(incident=second).values_list("status", flat=True)) <= {
        "done", "not_required", "may_apply"}
    assert_true_to_obligations(first, second)
    assert "gdpr" in stored(second)


def test_a_stale_copy_saved_later_does_not_put_back_old_regimes(record, manager):
    incident = record()
    stale = Incident.objects.get(pk=incident.pk)
    update_incident(incident=incident, by=manager, changes={"personal_data.involved": True,
                                                             "personal_data.lost": ["confidentiality"]})
    stale.title = "Renamed from an old copy"
    stale.save()
    assert "gdpr" in stored(incident)
    assert_true_to_obligations(incident)


def test_rebuild_repairs_a_column_that_drifted(record):
    incident, personal = record(), record(title="Leak", facts=PERSONAL)
    Incident.objects.filter(pk=incident.pk).update(regimes=regimes.BITS["dora"])
    Incident.objects.filter(pk=personal.pk).update(regimes=0)
    assert regimes.drift() == 2
    assert regimes.rebuild() == 2
    assert_true_to_obligations(incident, personal)


def test_refresh_is_one_query(record):
    incident = record()
    with CaptureQueriesContext(connection) as queries:
        regimes.refresh([incident.pk, incident.pk])
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        regimes.refresh([])
    assert len(queries) == 0


@pytest.mark.parametrize("regime", list(regimes.BITS))
def test_the_regime_filter_answers_as_the_obligations_say(record, manager, regime):
    made = [record(), record(title="Leak", facts=PERSONAL),
            record(title="Harm", facts={"published_externally": True, "personal_data": {"involved": False},
                                        "automated_decision_without_human_review": True})]
    expected = {i.reference for i in made if Obligation.objects.filter(
        incident=i, regime=regime, status__in=regimes.APPLYING).exists()}
    for sort in ("", "severity"):
        page = register_page(user=manager, params={"regime": regime, "sort": sort} if sort else {"regime": regime})
        assert {i.reference for i, _ in page.rows} == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
@pytest.mark.parametrize(("sort", "index"), [("", "inc_gdpr_new"), ("severity", "inc_gdpr_sev")])
def test_the_regime_filter_walks_the_regimes_partial_index(record, manager, sort, index):
    record(title="Leak", facts=PERSONAL)
    params = {"regime": "gdpr"} | ({"sort": sort} if sort else {})
    qs = register_page(user=manager, params=params).filter.qs
    sql, args = qs[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", args)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_a_change_of_the_rule_files_keeps_the_column_true(record, people, tmp_path, monkeypatch):
    """A law change re-evaluates open incidents (obligations appear, disappear, are withdrawn) through the store."""
    import shutil

    import time_machine

    from conftest import NOW
    from incidentdesk.assessment import rulebook
    from incidentdesk.obligations import lawchange

    folder = tmp_path / "rules"
    shutil.copytree(rulebook.RULES_DIR, folder)
    monkeypatch.setattr(rulebook, "RULES_DIR", folder)
    rulebook.default_rulebook.cache_clear()
    try:
        with time_machine.travel(NOW, tick=False):
            incidents = [record(), record(title="Leak", facts=PERSONAL)]
            gdpr = folder / "gdpr.toml"  # every GDPR rule renamed: the old rows are withdrawn, new ones start
            gdpr.write_text(gdpr.read_text(encoding="utf-8").replace('id = "GDPR-', 'id = "GDPR-NEW-'),
                            encoding="utf-8")
            rulebook.default_rulebook.cache_clear()
            lawchange.apply(by=people["manager"])
        assert Obligation.objects.filter(incident=incidents[1], rule_id__startswith="GDPR-NEW-").exists()
        assert_true_to_obligations(*incidents)
        assert "gdpr" in stored(incidents[1])
    finally:
        rulebook.default_rulebook.cache_clear()


def test_the_migrations_backfill_fills_every_incident(record):
    """Migration 0016's backfill (a table rewrite on PostgreSQL, one UPDATE on SQLite) gives what refresh gives."""
    incident, personal = record(), record(title="Leak", facts=PERSONAL)
    Incident.objects.update(regimes=0)
    regimes.backfill(connection)
    assert_true_to_obligations(incident, personal)
    assert "gdpr" in stored(personal)


def test_the_register_counts_real_incidents_when_exercises_exist(record, manager):
    """The count subtracts the exercises among the matches (decision 217) and equals the rows of the real ones."""
    real = [record(), record(title="Leak", facts=PERSONAL)]
    record(title="Tabletop", exercise=True)
    for params in ({}, {"regime": "gdpr"}, {"severity_min": 1}):
        page = register_page(user=manager, params=params)
        expected = Incident.objects.real().filter(pk__in=[i.pk for i in real])
        expected = expected.filter(regimes__has="gdpr") if params.get("regime") else expected
        assert page.page.paginator.count == expected.count() == len(page.rows)
        assert page.hidden_exercises == (0 if params.get("regime") else 1)
    assert register_page(user=manager, params={"exercises": "include"}).page.paginator.count == 3
