"""The seal of one audit event: a keyed hash over every column and the previous event's seal.

Kept apart from the models so ``verify`` can recompute seals from raw rows at full speed.

Two kinds exist. Events recorded since the audit key (``keys.py``) are sealed with HMAC-SHA256 under
that key and name it (``key_id``); without the key nobody can recompute them. Events recorded before
it (an installation older than the key) carry a plain SHA-256 (``legacy_hash``) over fewer columns;
they are accepted only up to a boundary kept outside the database (see ``checkpoints.py``) and are
protected by the first keyed event, which seals the last of them.
"""

import hashlib
from datetime import UTC, datetime

from .keys import Pads


def stamp(at: datetime | str) -> str:
    """Canonical UTC text of a timestamp, ``YYYY-MM-DD HH:MM:SS.ffffff``.

    Raw SQLite rows give the stored text (Django omits ``.000000`` when microseconds are zero);
    PostgreSQL and the ORM give datetimes. All three must hash the same.
    """
    if isinstance(at, str):  # only the two shapes Django writes; anything else is hashed as it is, and fails
        return at + ".000000" if len(at) == 19 else at
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def legacy_hash(seq: int, at: str, actor_name: str, action: str, object_type: str, object_id: str,
               incident_ref: str, data: str, prev_hash: str) -> str:
    """The legacy seal: SHA-256 without a key, and without ``actor_id`` (kept to verify old events)."""
    head = "\x1f".join((str(seq), at, actor_name, action, object_type, object_id, incident_ref, prev_hash))
    return hashlib.sha256(f"{head}\x1e{data}".encode()).hexdigest()



def keyed_message(seq: int, at: str, actor_id: int | str | None, actor_name: str, action: str, object_type: str,
                  object_id: str, incident_ref: str, data: str, prev_hash: str, key_id: str) -> bytes:
    """Every column of the event, unambiguously: free-text columns carry their length, so no text can move
    from one column into the next and keep the seal. ``data`` is canonical JSON (control characters are
    escaped), so it cannot contain the separator that precedes it."""
    actor = "" if actor_id is None else actor_id
    # One f-string (not a join over a generator): verify builds a million of these, and this halves the cost.
    return (f"v2\x1f{seq}\x1f{at}\x1f{actor}\x1f{key_id}\x1f{prev_hash}\x1f{len(actor_name)}:{actor_name}\x1f"
            f"{len(action)}:{action}\x1f{len(object_type)}:{object_type}\x1f{len(object_id)}:{object_id}\x1f"
            f"{len(incident_ref)}:{incident_ref}\x1e{data}").encode()


def keyed_hash(pads: Pads, seq: int, at: str, actor_id: int | str | None, actor_name: str, action: str,
               object_type: str, object_id: str, incident_ref: str, data: str, prev_hash: str, key_id: str) -> str:
    """The seal of an event recorded under key ``key_id``: HMAC-SHA256 of ``keyed_message``."""
    return pads.hexdigest(keyed_message(seq, at, actor_id, actor_name, action, object_type, object_id,
                                        incident_ref, data, prev_hash, key_id))
