"""Free-text search over the register (reference, title, description), fast at a million incidents.

SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers. PostgreSQL: a pg_trgm
GIN index over the same three columns. Both match substrings case-insensitively, so the register
answers the same on either database. Terms shorter than three characters cannot use a trigram
index and fall back to a plain scan.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

SEARCH_TABLE = "incidents_incident_search"
SEARCHED = "reference || ' ' || title || ' ' || description"

_SQLITE_INSTALL = [
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(reference, title, description, "
    "content='incidents_incident', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {SEARCH_TABLE}_insert AFTER INSERT ON incidents_incident BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, reference, title, description) "
    "VALUES (new.id, new.reference, new.title, new.description); END",
    f"CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON incidents_incident BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, reference, title, description) "
    "VALUES ('delete', old.id, old.reference, old.title, old.description); END",
    f"CREATE TRIGGER {SEARCH_TABLE}_update AFTER UPDATE OF reference, title, description ON incidents_incident "
    f"BEGIN INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, reference, title, description) "
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


def remove(conn) -> None:
    statements = _SQLITE_REMOVE if conn.vendor == "sqlite" else _POSTGRES_REMOVE
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_incidents(qs: QuerySet, text: str) -> QuerySet:
    """Incidents whose reference, title or description contains ``text`` (any case)."""
    text = text.strip()
    if len(text) < 3:
        return qs.filter(Q(reference__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text))
    if connection.vendor == "sqlite":
        phrase = '"' + text.replace('"', '""') + '"'
        ids = RawSQL(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s", [phrase])
    else:
        ids = RawSQL(f"SELECT id FROM incidents_incident WHERE ({SEARCHED}) ILIKE %s ESCAPE '\\'",
                     [_like_pattern(text)])
    return qs.filter(id__in=ids)
