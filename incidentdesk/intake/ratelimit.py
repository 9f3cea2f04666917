"""Counting hits per key and fixed time window in the database, shared by every server process."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone

from .models import RateCounter

_TABLE = RateCounter._meta.db_table
# One statement: insert the window's first hit or add one to it, and say how many there are now. Both
# SQLite (3.35+) and PostgreSQL run it atomically, so concurrent hits never read the same count.
_HIT = (f"INSERT INTO {_TABLE} (key, hits, expires_at) VALUES (%s, 1, %s) "
        f"ON CONFLICT (key) DO UPDATE SET hits = {_TABLE}.hits + 1 RETURNING hits")


def hit(key: str, *, seconds: int, now: datetime | None = None) -> int:
    """Count one hit of ``key`` in the current window of ``seconds`` and return the hits so far in it.

    Windows are fixed (e.g. each clock hour for 3600), so a counter's row is simply dropped once its
    window has ended: the scheduler prunes old rows (``services.prune``), which keeps the table as small as
    the traffic of one window and this hit a single statement.
    """
    now = now or timezone.now()
    window = int(now.timestamp()) // seconds
    ends = datetime.fromtimestamp((window + 1) * seconds, UTC)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(_HIT, [f"{key}:{window}", adapt(ends)])
        return cursor.fetchone()[0]
