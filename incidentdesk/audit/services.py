"""Append events to the audit chain and verify it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
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


def save_audited(*, instance: models.Model, fields: dict[str, Any], by: Any, object_type: str,
                 refused: type[Exception], action: str = "", creating: bool | None = None,
                 summary: str = "") -> models.Model:
    """Set ``fields``, validate the model, save it and append one audit event with what changed.

    For the plain records edited through forms (the profile, the inventory, the contacts). Invalid
    input raises ``refused`` with "field: message" parts, before anything is written.
    """
    creating = instance.pk is None if creating is None else creating
    before = None if creating else snapshot(type(instance).objects.get(pk=instance.pk))
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise refused("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    with transaction.atomic():
        instance.save()
        after = snapshot(instance)
        if before is not None:
            before, after = changed(before, after)
        record(action=f"{action or object_type}.{'created' if creating else 'updated'}", object_type=object_type,
               object_id=instance.pk, by=by, before=before, after=after, summary=summary)
    return instance


@dataclass
class Verification:
    ok: bool
    events: int
    first_broken: int | None = None
    problem: str = ""
    seconds: float = 0.0


@dataclass
class _Segment:
    """One stretch of the chain checked on its own: its links inside, its two ends for the joins."""

    start: int
    count: int = 0
    first_prev: str = ""
    last_hash: str = ""
    broken: int | None = None
    problem: str = ""


#: Above this many events, verification splits the chain across processes (one per core).
PARALLEL_FROM = 200_000


def _check_segment(start: int, end: int | None, batch: int = 20_000) -> _Segment:
    """Recompute hashes for events start..end-1 from raw rows; links inside the segment must hold."""
    table = AuditEvent._meta.db_table
    # On SQLite, CAST skips the datetime converter: the text is hashed as stored (see chain.stamp).
    at = "CAST(at AS TEXT)" if connection.vendor == "sqlite" else "at"
    limit = "" if end is None else f"AND seq < {int(end)} "
    sql = (f"SELECT seq, {at}, actor_name, action, object_type, object_id, incident_ref, data, prev_hash, hash "
           f"FROM {table} WHERE seq >= %s {limit}ORDER BY seq LIMIT {batch}")
    segment, expected, prev_hash = _Segment(start=start), start, None
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [expected])
            rows = cursor.fetchall()
            if not rows:
                return segment
            for seq, stamp_at, name, action, otype, oid, ref, data, prev, digest in rows:
                if seq != expected:
                    segment.broken, segment.problem = expected, f"event #{expected} is missing"
                    return segment
                if prev_hash is None:
                    segment.first_prev = prev
                elif prev != prev_hash:
                    segment.broken = seq
                    segment.problem = f"event #{seq} does not point to the hash of event #{seq - 1}"
                    return segment
                if event_hash(seq, stamp(stamp_at), name, action, otype, oid, ref, data, prev) != digest:
                    segment.broken = seq
                    segment.problem = f"event #{seq} was altered: its content no longer matches its hash"
                    return segment
                prev_hash, expected = digest, seq + 1
                segment.count, segment.last_hash = segment.count + 1, digest


def _segments(last: int, workers: int) -> list[_Segment]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    bounds = [1 + i * last // workers for i in range(workers)] + [last + 1]
    connections.close_all()  # each process opens its own connection; none may share the parent's
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_check_segment, bounds[i], bounds[i + 1] if i < workers - 1 else None)
                   for i in range(workers)]
        return [f.result() for f in futures]


def verify(workers: int | None = None) -> Verification:
    """Recompute the whole chain from raw rows; name the first event that does not fit.

    A long chain is split into stretches checked in parallel; the stretches are then joined: each
    one's first event must point to the previous stretch's last hash.
    """
    import os
    import time

    started = time.perf_counter()
    head = AuditHead.objects.filter(id=1).first()
    last = head.last_seq if head else 0
    workers = workers or min(os.cpu_count() or 1, 4)
    parallel = workers > 1 and last >= PARALLEL_FROM and not connection.in_atomic_block
    segments = _segments(last, workers) if parallel else [_check_segment(1, None)]
    prev_hash, count = GENESIS, 0
    for segment in segments:
        if segment.count and segment.first_prev != prev_hash:
            return Verification(False, count, segment.start, f"event #{segment.start} does not point to the hash "
                                f"of event #{segment.start - 1}", time.perf_counter() - started)
        if segment.broken is not None:
            return Verification(False, count + segment.count, segment.broken, segment.problem,
                                time.perf_counter() - started)
        if segment.count == 0 and segment is not segments[-1]:
            return Verification(False, count, segment.start, f"event #{segment.start} is missing",
                                time.perf_counter() - started)
        count += segment.count
        prev_hash = segment.last_hash or prev_hash
    if head and (head.last_seq != count or head.last_hash != prev_hash):
        return Verification(False, count, count + 1, f"events after #{count} are missing (the head records "
                            f"#{head.last_seq})", time.perf_counter() - started)
    return Verification(True, count, seconds=time.perf_counter() - started)
