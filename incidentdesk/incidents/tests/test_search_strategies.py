"""The three ways SQLite answers a text search (few, some, many matches: decision 218) find the same incidents
in the same order, with the same capped count, as people use the register."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from incidentdesk.incidents import search
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.register import filter_register

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the strategies are SQLite's")

TERMS = ["refund", "REFUND", "screen", "cv scr", '"secret"', "100%", "draft_v2", "Résumé", "RÉSUMÉ", "nothing-here",
         "INC-"]


@pytest.fixture
def register(record):
    texts = [("Chatbot invented a refund policy", "It invented a refund policy."),
             ("Résumé screening ranked women lower", "Bias in the CV screener."),
             ("Translation leaked a 100% draft_v2", 'Quoted "secret" text'),
             ("Refund screen", "A REFUND appeared on the screen")]
    return [record(title=title, description=description, detected_at=datetime(2026, 11, 1 + day, 8, tzinfo=UTC))
            for day, (title, description) in enumerate(texts)]


def _answers(monkeypatch, selective: int, broad: int) -> dict[str, list[str]]:
    monkeypatch.setattr(search, "SELECTIVE", selective)
    monkeypatch.setattr(search, "BROAD", broad)
    return {term: [i.reference for i in filter_register(Incident.objects.all(), {"q": term})] for term in TERMS}


def test_few_some_and_many_matches_answer_alike(register, monkeypatch):
    few = _answers(monkeypatch, selective=10_000, broad=20_000)
    some = _answers(monkeypatch, selective=0, broad=20_000)
    many = _answers(monkeypatch, selective=0, broad=0)
    assert few == some == many
    assert few["refund"] == few["REFUND"] == [register[3].reference, register[0].reference]
    assert few["RÉSUMÉ"] == [register[1].reference]  # a letter LIKE does not fold: the index answers
    assert few["nothing-here"] == []
    assert len(few["INC-"]) == 4


def test_many_matches_walk_the_date_index_without_building_the_set(register, monkeypatch):
    monkeypatch.setattr(search, "BROAD", 0)
    qs = filter_register(Incident.objects.all(), {"q": "refund"})
    sql, args = qs[:50].query.sql_with_params()
    assert "MATCH" not in sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", args)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "incident_detected" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
