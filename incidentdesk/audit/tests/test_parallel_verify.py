"""A long chain is verified in parallel stretches; a break anywhere, even at a join, is still named."""

import pytest
from django.db import connection

from incidentdesk.audit import triggers, verification
from incidentdesk.audit.services import record, verify


@pytest.fixture
def long_chain(transactional_register, monkeypatch):
    monkeypatch.setattr(verification, "PARALLEL_FROM", 10)
    for n in range(30):
        record(action="test.event", object_type="thing", object_id=n, by=None, after={"n": n})


def _tamper(sql, params=()):
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.install(connection)


def test_a_long_chain_verifies_in_parallel(long_chain):
    result = verify(workers=3)
    assert (result.ok, result.events) == (True, 30)


@pytest.mark.parametrize("seq", [5, 11, 21, 30])  # inside a stretch, first of a stretch (joins at 11 and 21), last
def test_an_altered_event_is_named_wherever_it_is(long_chain, seq):
    _tamper("UPDATE audit_auditevent SET data = %s WHERE seq = %s", ['{"after":{"n":99}}', seq])
    result = verify(workers=3)
    assert (result.ok, result.first_broken) == (False, seq)


def test_a_deleted_event_at_a_join_is_named(long_chain):
    _tamper("DELETE FROM audit_auditevent WHERE seq = 11")
    result = verify(workers=3)
    assert (result.ok, result.first_broken) == (False, 11)
