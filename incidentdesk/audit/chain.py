"""The hash of one audit event: SHA-256 over its fields and the previous event's hash.

Kept apart from the models so ``verify`` can recompute hashes from raw rows at full speed.
"""

import hashlib
from datetime import UTC, datetime


def stamp(at: datetime | str) -> str:
    """Canonical UTC text of a timestamp, ``YYYY-MM-DD HH:MM:SS.ffffff``.

    Raw SQLite rows give the stored text (Django omits ``.000000`` when microseconds are zero);
    PostgreSQL and the ORM give datetimes. All three must hash the same.
    """
    if isinstance(at, str):
        return at if len(at) == 26 else at[:19] + ".000000"
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def event_hash(seq: int, at: str, actor_name: str, action: str, object_type: str, object_id: str,
               incident_ref: str, data: str, prev_hash: str) -> str:
    head = "\x1f".join((str(seq), at, actor_name, action, object_type, object_id, incident_ref, prev_hash))
    return hashlib.sha256(f"{head}\x1e{data}".encode()).hexdigest()
