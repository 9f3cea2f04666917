"""Which regimes concern an incident, kept on the incident as a set of bits (``Incident.regimes``).

The register's regime filter means "incidents with an obligation of that regime that is pending, may apply or
is done" (not the ones found not required). Building that set from the obligations on every page cost 60 ms
before the page was walked at a million incidents (docs/performance.md); a column on the incident, with one
partial index per regime, lets "regime = GDPR, newest first / most severe first" walk an index and stop at the
page, on SQLite and PostgreSQL alike (decision 216).

One truth: the column is derived from the obligations and written only by ``refresh`` (one UPDATE), which the
obligations store calls at the end of every write, in the same transaction; ``rebuild`` recomputes every row
(the migration's backfill and the repair path). ``Incident.save`` never writes it from a stale copy.

This module imports no model: ``incidents.models`` uses the field and its lookup, and the obligations' table
is read in SQL by name.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.db.models import Lookup

#: One bit per regime the register filters on (``filters.REGIME_CHOICES``). Fixed forever: the bits are
#: stored. A new regime takes the next free bit, and a migration rebuilds the column and adds its indexes.
BITS = {"internal": 1, "gdpr": 2, "ai_act": 4, "nis2": 8, "dora": 16, "california_sb53": 32,
        "new_york_raise": 64}
#: The obligation statuses that make a regime concern an incident (the regime filter's meaning).
APPLYING = ("pending", "may_apply", "done")

INCIDENT_TABLE = "incidents_incident"
OBLIGATION_TABLE = "obligations_obligation"


def _bits_sql(alias: str) -> str:
    """SQL of the regimes an incident's applying obligations name, as bits (same on SQLite and PostgreSQL).

    ``SUM(DISTINCT bit)`` is the bitwise OR of distinct powers of two; unknown regimes count 0.
    """
    cases = " ".join(f"WHEN '{name}' THEN {bit}" for name, bit in BITS.items())
    statuses = ", ".join(f"'{s}'" for s in APPLYING)
    return (f"SELECT COALESCE(SUM(DISTINCT CASE o.regime {cases} ELSE 0 END), 0) FROM {OBLIGATION_TABLE} o "
            f"WHERE o.incident_id = {alias}.id AND o.status IN ({statuses})")


def refresh(incident_ids: Iterable[int]) -> None:
    """Recompute the regimes of these incidents from their obligations: one UPDATE, in the caller's transaction.

    Called by ``obligations.store.apply_outcomes`` after it wrote (every change of an obligation's status goes
    through it: recording, reassessing, edits of the facts, settling, merging, a change of the rule files).
    """
    ids = sorted({int(pk) for pk in incident_ids})
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {INCIDENT_TABLE} SET regimes = ({_bits_sql(INCIDENT_TABLE)}) WHERE id IN ({marks})",
                       ids)


def rebuild(conn=None) -> int:
    """Recompute every incident's regimes in one set-based statement; return how many rows changed.

    The backfill of migration 0016 and the repair path (``incidentdesk regimes --rebuild``). Grouping the
    obligations once and joining (``UPDATE … FROM``, SQLite ≥ 3.33 and PostgreSQL) is a single pass at a
    million incidents, where a correlated subquery per incident would be a million lookups.
    """
    conn = conn or connection
    cases = " ".join(f"WHEN '{name}' THEN {bit}" for name, bit in BITS.items())
    statuses = ", ".join(f"'{s}'" for s in APPLYING)
    grouped = (f"SELECT o.incident_id AS incident_id, SUM(DISTINCT CASE o.regime {cases} ELSE 0 END) AS bits "
               f"FROM {OBLIGATION_TABLE} o WHERE o.status IN ({statuses}) GROUP BY o.incident_id")
    with conn.cursor() as cursor:
        cursor.execute(f"UPDATE {INCIDENT_TABLE} SET regimes = g.bits FROM ({grouped}) AS g "
                       f"WHERE {INCIDENT_TABLE}.id = g.incident_id AND {INCIDENT_TABLE}.regimes <> g.bits")
        changed = cursor.rowcount
        # Incidents whose obligations no longer name any regime (none applies any more).
        cursor.execute(f"UPDATE {INCIDENT_TABLE} SET regimes = 0 WHERE regimes <> 0 AND NOT EXISTS "
                       f"(SELECT 1 FROM {OBLIGATION_TABLE} o WHERE o.incident_id = {INCIDENT_TABLE}.id "
                       f"AND o.status IN ({statuses}))")
        return changed + cursor.rowcount


def backfill(conn) -> None:
    """Fill the new column for every incident (migration 0016), the fastest way each database has.

    PostgreSQL: an ``UPDATE`` of every incident writes a new version of each row into every index, the trigram
    index included (56 s at 200,000 incidents); rewriting the table once with the value computed per row (a
    temporary function in ``ALTER COLUMN … USING``) builds each index once instead (29 s) and leaves no dead
    rows. It locks the table, as a migration may; the repair path (``rebuild``) updates in place. SQLite:
    ``rebuild``.
    """
    if conn.vendor != "postgresql":
        rebuild(conn)
        return
    cases = " ".join(f"WHEN '{name}' THEN {bit}" for name, bit in BITS.items())
    statuses = ", ".join(f"'{s}'" for s in APPLYING)
    with conn.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in this transaction must run before a rewrite.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "CREATE FUNCTION pg_temp.incident_regimes(bigint) RETURNS integer LANGUAGE sql STABLE AS $$ "
            f"SELECT COALESCE(SUM(DISTINCT CASE o.regime {cases} ELSE 0 END), 0)::integer FROM {OBLIGATION_TABLE} o "
            f"WHERE o.incident_id = $1 AND o.status IN ({statuses}) $$")
        cursor.execute(f"ALTER TABLE {INCIDENT_TABLE} ALTER COLUMN regimes TYPE integer "
                       "USING pg_temp.incident_regimes(id)")
        cursor.execute("DROP FUNCTION pg_temp.incident_regimes(bigint)")


def drift(conn=None) -> int:
    """How many incidents' stored regimes differ from their obligations (0 when the column holds its truth)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {INCIDENT_TABLE} i WHERE i.regimes <> ({_bits_sql('i')})")
        return cursor.fetchone()[0]


def names(bits: int) -> list[str]:
    """The regimes a stored value holds, in ``BITS`` order."""
    return [name for name, bit in BITS.items() if bits & bit]


class RegimeSet(models.IntegerField):
    """The regimes concerning an incident, one bit each (``BITS``); filter with ``regimes__has="gdpr"``."""

    #: derived from the obligations, whose own events tell every change: not repeated in the incident's events
    derived = True


@RegimeSet.register_lookup
class Has(Lookup):
    """``regimes__has="gdpr"``: the regime's bit is set.

    The bit is written into the SQL as a literal, never a parameter, so the query repeats the condition of
    the regime's partial indexes word for word: SQLite and PostgreSQL only use a partial index whose WHERE
    the query provably implies, and neither reasons about a bound parameter.
    """

    lookup_name = "has"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if self.rhs not in BITS:
            raise ValueError(f"unknown regime {self.rhs!r}; known: {', '.join(BITS)}")
        return f"({lhs} & {BITS[self.rhs]}) <> 0", params
