"""What a database administrator can do to the audit log: lift the append-only triggers and write rows.

The tamper tests use these to attack the chain exactly as such a person would, with plain SQL.
"""

from __future__ import annotations

from django.db import connection

from incidentdesk.audit import triggers
from incidentdesk.audit.chain import keyed_hash, legacy_hash, stamp
from incidentdesk.audit.keys import Keyring

COLUMNS = "seq, {at}, actor_id, actor_name, action, object_type, object_id, incident_ref, data, prev_hash, key_id"


def sql(statement: str, params=()) -> None:
    """Run one statement with the triggers lifted, as someone holding the database would."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
    finally:
        triggers.install(connection)


def rows(start: int) -> list[list]:
    at = "CAST(at AS TEXT)" if connection.vendor == "sqlite" else "at"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS.format(at=at)} FROM audit_auditevent WHERE seq >= %s ORDER BY seq", [start])
        return [list(row) for row in cursor.fetchall()]


def previous_seal(seq: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_auditevent WHERE seq = %s", [seq - 1])
        found = cursor.fetchone()
    return found[0] if found else "0" * 64


def rewrite_from(seq: int, *, change: str, ring: Keyring | None = None, clear_key: bool = False) -> None:
    """Put ``change`` in event #seq's data, then reseal it and every later event and move the head.

    Without ``ring`` the attacker has no key and reseals with plain SHA-256 (keeping the key id, or clearing
    it to pass as an event older than keys); with ``ring`` they hold the key and reseal with it.
    """
    prev = previous_seal(seq)
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            for n, at, actor_id, name, action, otype, oid, ref, data, _, kid in rows(seq):
                data = change if n == seq else data
                kid = "" if clear_key else kid
                if ring is not None:
                    seal = keyed_hash(ring.pads(kid), n, stamp(at), actor_id, name, action, otype, oid, ref, data,
                                      prev, kid)
                else:
                    seal = legacy_hash(n, stamp(at), name, action, otype, oid, ref, data, prev)
                cursor.execute("UPDATE audit_auditevent SET data = %s, prev_hash = %s, hash = %s, key_id = %s "
                               "WHERE seq = %s", [data, prev, seal, kid, n])
                prev = seal
            cursor.execute("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])
    finally:
        triggers.install(connection)


def truncate_after(seq: int) -> None:
    """Delete every event after #seq and move the head back to it: the log looks as if it ended there."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [seq])
            cursor.execute("UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE id = 1",
                           [seq, previous_seal(seq + 1)])
    finally:
        triggers.install(connection)
