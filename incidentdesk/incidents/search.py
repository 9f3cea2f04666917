"""Free-text search over the register (reference, title, description), fast at a million incidents.

SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers. PostgreSQL: a pg_trgm
GIN index over the same three columns. Both match substrings case-insensitively, so the register
answers the same on either database. Terms shorter than three characters cannot use a trigram
index and fall back to a plain scan.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

SEARCH_TABLE = "incidents_incident_search"
SEARCHED = "reference || ' ' || title || ' ' || description"

_SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(reference, title, description, "
    "content='incidents_incident', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_insert AFTER INSERT ON incidents_incident BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, reference, title, description) "
    "VALUES (new.id, new.reference, new.title, new.description); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_delete AFTER DELETE ON incidents_incident BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, reference, title, description) "
    "VALUES ('delete', old.id, old.reference, old.title, old.description); END",
    f"CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_update AFTER UPDATE OF reference, title, description "
    f"ON incidents_incident BEGIN INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, reference, title, description) "
    "VALUES ('delete', old.id, old.reference, old.title, old.description); "
    f"INSERT INTO {SEARCH_TABLE}(rowid, reference, title, description) "
    "VALUES (new.id, new.reference, new.title, new.description); END",
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')",
]
_SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_{name}" for name in ("insert", "delete", "update")] + [
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}"]
_POSTGRES_INSTALL = ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                     f"CREATE INDEX IF NOT EXISTS incident_search_trgm ON incidents_incident "
                     f"USING gin (({SEARCHED}) gin_trgm_ops)"]
_POSTGRES_REMOVE = ["DROP INDEX IF EXISTS incident_search_trgm"]


def install(conn) -> None:
    """Create the search index for this database (called by migration 0002)."""
    statements = _SQLITE_INSTALL if conn.vendor == "sqlite" else _POSTGRES_INSTALL
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def ensure(conn) -> None:
    """Re-create missing search triggers and rebuild the index (run after every ``migrate``).

    SQLite rebuilds a table to alter it (``AddField`` and friends), and its triggers go with the old
    table; this puts them back, so a migration cannot silently stop the search from seeing changes.
    """
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                       [f"{SEARCH_TABLE}_%"])
        if cursor.fetchone()[0] == 3:
            return
    install(conn)


def remove(conn) -> None:
    statements = _SQLITE_REMOVE if conn.vendor == "sqlite" else _POSTGRES_REMOVE
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: Up to this many matches SQLite fetches them by id and sorts them; above it, it walks the register in date order.
SELECTIVE = 2_000
#: Above this many matches, building the set of matches costs more than checking each row on the walk (below).
BROAD = 20_000


def _substring(text: str) -> Q:
    """The term in any of the three columns, any ASCII case: SQLite's LIKE, checked row by row."""
    return Q(reference__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text)


def search_incidents(qs: QuerySet, text: str) -> QuerySet:
    """Incidents whose reference, title or description contains ``text`` (any case)."""
    text = text.strip()
    if len(text) < 3:
        return qs.filter(_substring(text))
    if connection.vendor == "sqlite":
        return qs.filter(_sqlite_matches(qs, text))
    # On the row itself, not "id IN (the matching ids)": the planner then chooses between the trigram index
    # (few matches) and walking the date index checking each row (many), without joining the table to itself.
    table = qs.model._meta.db_table
    searched = " || ' ' || ".join(f'"{table}"."{column}"' for column in ("reference", "title", "description"))
    return qs.filter(RawSQL(f"({searched}) ILIKE %s ESCAPE '\\'", [_like_pattern(text)],
                            output_field=BooleanField()))


def _sqlite_matches(qs: QuerySet, text: str) -> Q:
    """The condition for SQLite, chosen by how many incidents match (counted up to ``BROAD`` in the index).

    Few: their ids from the index, each row fetched and the page sorted. Some: "+id IN (the matches)" hides
    the id from the planner, so it walks the date index newest first and stops once it has a page. Many (a
    word in one incident in eight: 124,000 at a million): building that set alone cost ~70 ms, twice (page
    and count), so the walk checks each row itself with LIKE and stops at the page (or the count's cap of
    1,000) after a few thousand rows (decision 218). LIKE folds ASCII case only, the index folds every
    letter: a term with other letters keeps the set.
    """
    phrase = '"' + text.replace('"', '""') + '"'
    matches = f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({matches} LIMIT {BROAD + 1})", [phrase])
        found = cursor.fetchone()[0]
    if found > BROAD and text.isascii():
        return _substring(text)
    if found > SELECTIVE:
        table = qs.model._meta.db_table
        return Q(RawSQL(f"+{table}.id IN ({matches})", [phrase], output_field=BooleanField()))
    return Q(id__in=RawSQL(matches, [phrase]))
