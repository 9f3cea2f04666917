"""Forgeries a security review found after the first tamper tests: rows inserted outside the chain's numbers,
a retired key used after a rotation, a rotation resealed with the key it retired, a time given a zone on
SQLite, and a checkpoint line torn by a crash. Each is named by ``audit verify``."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from incidentdesk.audit import checkpoints, keys
from incidentdesk.audit.chain import keyed_hash, stamp
from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import head_checkpoint, record, verify

from . import attacker

FORGED = '{"after":{"status":"closed"},"before":{"status":"classified"},"summary":""}'


def _events(count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        record(action="test.event", object_type="thing", object_id=n, by=None, after={"n": n})


@pytest.mark.parametrize("seq", [0, -7])
def test_a_row_inserted_outside_the_chains_numbers_is_named_and_never_shown(db, seq):
    """An INSERT needs no trigger lifted; the row was shown on the audit page, the workspace and the report
    while verify read only events numbered from 1 and said the chain was intact."""
    _events(3)
    head_checkpoint()
    with connection.cursor() as cursor:  # no trigger refuses an INSERT: nothing to lift
        cursor.execute("INSERT INTO audit_auditevent (seq, at, actor_id, actor_name, action, object_type, object_id,"
                       " incident_ref, data, prev_hash, hash, key_id) VALUES (%s, '2026-11-20 08:00:00.123456', NULL,"
                       " 'responder', 'incident.transition', 'incident', '1', 'INC-2026-001', %s, %s, %s, %s)",
                       [seq, FORGED, "0" * 64, "ab" * 32, keys.keyring().current])
    result = verify()
    assert (result.ok, result.first_broken) == (False, seq)
    assert "inserted into the database by hand" in result.problem
    assert not AuditEvent.objects.filter(action="incident.transition").exists()
    assert AuditEvent.objects.count() == 3


def _rotate(people, monkeypatch) -> tuple[str, str]:
    old = keys.keyring().current
    monkeypatch.setenv("INCIDENTDESK_USER", people["administrator"].get_username())
    call_command("incidentdesk", "audit", "rotate-key", stdout=StringIO(), stderr=StringIO())
    return old, keys.keyring().current


def _reseal_from(seq: int, kid: str, change_at: int | None = None) -> None:
    """As someone who kept the old key (a leaked backup of the key file): reseal from #seq with it, changing
    the data of event #change_at (by default #seq)."""
    change_at = seq if change_at is None else change_at
    ring = keys.keyring()
    prev = attacker.previous_seal(seq)
    attacker.triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            for n, at, actor_id, name, action, otype, oid, ref, data, _, _kid in attacker.rows(seq):
                data = FORGED if n == change_at else data
                seal = keyed_hash(ring.pads(kid), n, stamp(at), actor_id, name, action, otype, oid, ref, data, prev,
                                  kid)
                cursor.execute("UPDATE audit_auditevent SET data = %s, prev_hash = %s, hash = %s, key_id = %s "
                               "WHERE seq = %s", [data, prev, seal, kid, n])
                prev = seal
            cursor.execute("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])
    finally:
        attacker.triggers.install(connection)


def test_a_retired_key_cannot_rewrite_what_came_after_the_rotation(db, people, monkeypatch):
    _events(3)
    old, new = _rotate(people, monkeypatch)
    _events(3, start=10)
    rotation = AuditEvent.objects.get(action="audit.key_rotated").seq
    checkpoints.folder().joinpath(checkpoints.FILE_NAME).unlink()  # no checkpoint to help: the keys alone
    _reseal_from(rotation + 2, old)
    result = verify()
    assert (result.ok, result.first_broken) == (False, rotation + 2)
    assert f"sealed with the key {old}, which the key {new} replaced" in result.problem


def test_a_rotation_resealed_with_the_key_it_retired_is_named(db, people, monkeypatch):
    _events(3)
    old, new = _rotate(people, monkeypatch)
    _events(2, start=10)
    rotation = AuditEvent.objects.get(action="audit.key_rotated").seq
    checkpoints.folder().joinpath(checkpoints.FILE_NAME).unlink()
    _reseal_from(rotation, old, change_at=rotation + 1)
    result = verify()
    assert (result.ok, result.first_broken) == (False, rotation)
    assert f"records a rotation to the key {new} but is sealed with the key {old}" in result.problem


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps times as text")
def test_a_time_given_a_zone_on_sqlite_is_named(db):
    """An event recorded on the second exactly is stored without microseconds; its time was hashed from its
    first 19 characters, so a zone appended to it (read back 11 hours later) kept the seal."""
    with time_machine.travel(datetime(2026, 11, 20, 8, 0, tzinfo=UTC), tick=False):
        _events(2)
    assert verify().ok
    attacker.sql("UPDATE audit_auditevent SET at = at || '-11:00' WHERE seq = 2")
    result = verify()
    assert (result.ok, result.first_broken) == (False, 2)


def test_a_checkpoint_line_torn_by_a_crash_loses_no_later_checkpoint(db):
    _events(2)
    head_checkpoint()
    path = checkpoints.folder() / checkpoints.FILE_NAME
    path.write_bytes(path.read_bytes().rstrip(b"\n")[:40])  # the write was cut: no end of line
    _events(1, start=3)
    later = head_checkpoint()
    lines = path.read_text().splitlines()
    assert json.loads(lines[-1])["seq"] == later.seq == 3  # the next checkpoint is whole, on its own line
    result = verify()
    assert not result.ok
    assert "cannot be trusted" in result.problem  # the torn line is named, for a person to look at
