"""Idempotent writes: claim a key before the work, store what it answered, replay it for a repeat.

Semantics follow the IETF draft "The Idempotency-Key HTTP Header Field":

- the same key from the same person with the same request gets the stored response again (same status
  and body), and nothing is done twice;
- the same key with a different request is refused (422);
- the same key while the first request is still being worked on is a conflict (409);
- a key is forgotten 24 hours after it was first used.

The key row is written in its own short transaction *before* the work, under a unique constraint on
(person, key), so two identical requests arriving together cannot both run. Only a completed success
is kept: if the work fails or is refused, the key is released and the client may try again with it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyKey

TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def fingerprint(*parts: str | bytes) -> str:
    """SHA-256 over the parts of a request that make it "the same request"."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    row: IdempotencyKey
    fresh: bool  # True: this request holds the key and does the work; False: a repeat of an earlier one


def claim(*, user: Any, key: str, fingerprint: str, now: datetime | None = None) -> Claim:
    """Hold ``key`` for ``user`` before doing the work, or return the earlier request's row.

    The insert commits at once (its own transaction), so a concurrent duplicate sees it.
    """
    now = now or timezone.now()
    for _ in range(3):
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(user=user, created_at__lt=now - TTL).delete()  # expired keys
                row = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint, created_at=now)
            return Claim(row, True)
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
            if existing is None:  # released meanwhile: try to take it
                continue
            if existing.created_at < now - TTL:
                IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
                continue
            return Claim(existing, False)
    # Taken and released again three times in a row: answer "in progress, try again" rather than loop.
    busy = IdempotencyKey.objects.filter(user=user, key=key).first()
    return Claim(busy or IdempotencyKey(user=user, key=key, fingerprint=fingerprint, created_at=now), False)


def complete(row: IdempotencyKey, *, status: int, body: bytes = b"", content_type: str = "",
             location: str = "") -> None:
    """Keep what the work answered, to replay it for a repeat of the request."""
    row.status, row.body, row.content_type, row.location = status, bytes(body), content_type, location[:500]
    IdempotencyKey.objects.filter(pk=row.pk).update(status=status, body=row.body, content_type=content_type,
                                                    location=row.location)


def release(row: IdempotencyKey) -> None:
    """The work failed or was refused: forget the key so the same request may be sent again."""
    IdempotencyKey.objects.filter(pk=row.pk, status__isnull=True).delete()


def wait_for(row: IdempotencyKey, *, seconds: float = 10.0, every: float = 0.1) -> IdempotencyKey | None:
    """The row once its first request has completed (None if it was released or is still running)."""
    deadline = time.monotonic() + seconds
    while True:
        current = IdempotencyKey.objects.filter(pk=row.pk).first()
        if current is None or not current.in_progress or time.monotonic() >= deadline:
            return current if current is not None and not current.in_progress else None
        time.sleep(every)


def purge(now: datetime | None = None) -> int:
    """Forget every key older than 24 hours; returns how many."""
    cutoff = (now or timezone.now()) - TTL
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
