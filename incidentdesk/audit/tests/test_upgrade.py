"""An installation older than the audit key keeps its history: the old SHA-256 events are not rewritten.

The migration that brings the key writes the head as it stands, signed, to the checkpoint folder as
the boundary of the old format; the first keyed event seals the last old one. Tested by migrating a
real database back to before the key, writing old-format events, and migrating forward.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incidentdesk.audit import checkpoints
from incidentdesk.audit.chain import legacy_hash, stamp
from incidentdesk.audit.models import GENESIS, AuditEvent
from incidentdesk.audit.services import record, verify

from . import attacker

BEFORE_KEYS = [("audit", "0002_append_only_triggers")]
WITH_KEYS = [("audit", "0003_keyed_events")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _old_events(count: int) -> str:
    """Events as the version before the key wrote them: SHA-256 over fewer columns, no key id."""
    prev = GENESIS
    with connection.cursor() as cursor:
        for seq in range(1, count + 1):
            at = f"2026-11-0{seq} 10:00:00.000000"
            data = f'{{"after":{{"n":{seq}}},"before":null,"summary":""}}'
            seal = legacy_hash(seq, stamp(at), "ana", "test.event", "thing", str(seq), "", data, prev)
            cursor.execute("INSERT INTO audit_auditevent (seq, at, actor_id, actor_name, action, object_type, object_id,"
                           " incident_ref, data, prev_hash, hash) VALUES (%s, %s, NULL, 'ana', 'test.event', 'thing', "
                           "%s, '', %s, %s, %s)", [seq, at, str(seq), data, prev, seal])
            prev = seal
        cursor.execute("INSERT INTO audit_audithead (id, last_seq, last_hash) VALUES (1, %s, %s)", [count, prev])
    return prev


@pytest.fixture
def upgraded(transactional_register):
    """Four events from before the key, then the upgrade, then three keyed events."""
    _migrate(BEFORE_KEYS)
    try:
        last_old = _old_events(4)
        _migrate(WITH_KEYS)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    for n in range(5, 8):
        record(action="test.event", object_type="thing", object_id=n, by=None, after={"n": n})
    return last_old


def test_the_upgrade_keeps_the_old_events_and_writes_the_boundary_outside_the_database(upgraded):
    boundary = [e.checkpoint for e in checkpoints.read_folder()]
    assert [(c.seq, c.hash, c.legacy_until) for c in boundary] == [(4, upgraded, 4)]
    events = list(AuditEvent.objects.order_by("seq").values_list("seq", "key_id", "prev_hash"))
    assert [kid for _, kid, _ in events[:4]] == [""] * 4
    assert all(kid for _, kid, _ in events[4:])
    assert events[4][2] == upgraded  # the first keyed event seals the last old one
    result = verify()
    assert (result.ok, result.events) == (True, 7)


def test_an_old_event_changed_after_the_upgrade_is_named(upgraded):
    attacker.sql("UPDATE audit_auditevent SET data = '{}' WHERE seq = 2")
    assert (verify().first_broken, verify().problem) == (2, "event #2 was altered: its content no longer matches "
                                                             "its seal")


def test_old_events_rewritten_with_sha256_are_caught_by_the_boundary_checkpoint(upgraded):
    """Old events have no key seal, so anyone can reseal them; the boundary checkpoint pins their last seal.

    Which old event changed cannot be told (none has a key seal): the stretch up to the boundary is named.
    """
    attacker.rewrite_from(2, change="{}")
    result = verify()
    assert result.first_broken == 1
    assert result.problem.endswith("no earlier checkpoint matches, so the change lies between #1 and #4")
    assert result.notes == ["event #5 was altered: its content no longer matches its seal"]


def test_keyed_events_cannot_pass_as_old_ones_past_the_boundary(upgraded):
    attacker.rewrite_from(6, change="{}", clear_key=True)
    result = verify()
    assert (result.first_broken, result.problem) == (6, "event #6 carries no key seal, but every event after #4 "
                                                        "must: it was written or rewritten by someone without the "
                                                        "audit key")


def test_without_the_boundary_old_events_are_not_trusted(upgraded):
    (checkpoints.folder() / checkpoints.FILE_NAME).unlink()
    result = verify()
    assert result.first_broken == 1
    assert "no checkpoint says how far that format goes" in result.problem


def test_a_new_installation_needs_no_boundary(transactional_register):
    _migrate(BEFORE_KEYS)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert checkpoints.read_folder() == []
    record(action="test.event", object_type="thing", object_id=1, by=None)
    assert verify().ok


def test_going_back_before_the_key_is_refused_once_events_are_keyed(transactional_register):
    record(action="test.event", object_type="thing", object_id=1, by=None)
    with pytest.raises(RuntimeError, match="1 audit events are sealed with the audit key"):
        _migrate(BEFORE_KEYS)
    assert verify().ok
