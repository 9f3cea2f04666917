"""The audit chain verifies, and names the first event that was altered, removed or re-linked."""

import pytest
from django.db import DatabaseError, connection, transaction

from incidentdesk.audit import triggers
from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import record, verify


@pytest.fixture
def chain(db):
    for n in range(5):
        record(action="test.event", object_type="thing", object_id=n, by=None, after={"n": n})
    return list(AuditEvent.objects.order_by("seq"))


def _raw(sql, params=()):
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)


def test_an_intact_chain_verifies(chain):
    result = verify()
    assert (result.ok, result.events) == (True, 5)


def test_each_event_points_to_the_previous_hash(chain):
    assert chain[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))


def test_an_altered_event_is_named(chain):
    _raw("UPDATE audit_auditevent SET data = %s WHERE seq = 3", ['{"after":{"n":99}}'])
    result = verify()
    assert (result.ok, result.first_broken) == (False, 3)
    assert "altered" in result.problem


def test_an_altered_actor_is_named(chain):
    _raw("UPDATE audit_auditevent SET actor_name = 'someone-else' WHERE seq = 2")
    assert verify().first_broken == 2


def test_a_removed_event_is_named(chain):
    _raw("DELETE FROM audit_auditevent WHERE seq = 4")
    result = verify()
    assert (result.first_broken, result.problem) == (4, "event #4 is missing")


def test_a_removed_tail_is_detected(chain):
    _raw("DELETE FROM audit_auditevent WHERE seq = 5")
    result = verify()
    assert not result.ok
    assert result.first_broken == 5


def test_a_rewritten_chain_breaks_at_the_first_change(chain):
    _raw("UPDATE audit_auditevent SET hash = %s WHERE seq = 2", ["f" * 64])
    assert verify().first_broken == 2


def test_the_database_refuses_updates_and_deletes(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()


def test_the_model_refuses_changes(chain):
    with pytest.raises(PermissionError):
        chain[0].save()
    with pytest.raises(PermissionError):
        chain[0].delete()
