"""Append events to the audit chain and verify it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .chain import event_hash, stamp
from .models import GENESIS, AuditEvent, AuditHead


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"cannot audit {type(value).__name__}")


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=_default, ensure_ascii=False)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored fields of a model instance, JSON-ready, for an event's before/after."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        values[field.name] = json.loads(canonical(value)) if value is not None else None
    return values


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, so an event shows what changed."""
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def actor_name(user: Any) -> str:
    if user is None:
        return "system"
    return getattr(user, "get_username", lambda: str(user))() or str(user)


def record(*, action: str, object_type: str, object_id: Any, by: Any, incident_ref: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           summary: str = "") -> AuditEvent:
    """Append one event. Call inside the transaction that makes the change, so both or neither land."""
    data = canonical({"summary": summary, "before": before, "after": after})
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        at = timezone.now()
        seq = head.last_seq + 1
        name = actor_name(by)
        user = by if getattr(by, "pk", None) else None
        digest = event_hash(seq, stamp(at), name, action, object_type, str(object_id), incident_ref, data,
                            head.last_hash)
        event = AuditEvent(seq=seq, at=at, actor=user, actor_name=name, action=action, object_type=object_type,
                           object_id=str(object_id), incident_ref=incident_ref, data=data,
                           prev_hash=head.last_hash, hash=digest)
        event.save(force_insert=True)
        AuditHead.objects.filter(id=1).update(last_seq=seq, last_hash=digest)
    return event


@dataclass
class Verification:
    ok: bool
    events: int
    first_broken: int | None = None
    problem: str = ""
    seconds: float = 0.0


def verify(batch: int = 20_000) -> Verification:
    """Recompute the whole chain from raw rows; name the first event that does not fit."""
    import time

    started = time.perf_counter()
    prev_hash, expected_seq, count = GENESIS, 1, 0
    table = AuditEvent._meta.db_table
    # On SQLite, CAST skips the datetime converter: the text is hashed as stored (see chain.stamp).
    at = "CAST(at AS TEXT)" if connection.vendor == "sqlite" else "at"
    sql = (f"SELECT seq, {at}, actor_name, action, object_type, object_id, incident_ref, data, prev_hash, hash "
           f"FROM {table} WHERE seq >= %s ORDER BY seq LIMIT {batch}")
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [expected_seq])
            rows = cursor.fetchall()
            if not rows:
                break
            for seq, at, name, action, otype, oid, ref, data, prev, digest in rows:
                if seq != expected_seq:
                    return Verification(False, count, expected_seq, f"event #{expected_seq} is missing",
                                        time.perf_counter() - started)
                if prev != prev_hash:
                    return Verification(False, count, seq, f"event #{seq} does not point to the hash of event "
                                        f"#{seq - 1}", time.perf_counter() - started)
                if event_hash(seq, stamp(at), name, action, otype, oid, ref, data, prev) != digest:
                    return Verification(False, count, seq, f"event #{seq} was altered: its content no longer "
                                        "matches its hash", time.perf_counter() - started)
                prev_hash, expected_seq, count = digest, seq + 1, count + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.last_seq != count or head.last_hash != prev_hash):
        return Verification(False, count, count + 1, f"events after #{count} are missing (the head records "
                            f"#{head.last_seq})", time.perf_counter() - started)
    return Verification(True, count, seconds=time.perf_counter() - started)
