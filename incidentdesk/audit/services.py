"""Append events to the audit chain, verify it, and anchor its head outside the database.

Every event is sealed with HMAC-SHA256 under the audit key (``keys.py``), kept outside the database,
over every column and the previous event's seal (``chain.py``). Checkpoints (``checkpoints.py``) keep
the head outside the database; ``verify`` (``verification.py``) checks both.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import checkpoints, keys, verification
from .chain import keyed_hash, stamp
from .models import GENESIS, AuditEvent, AuditHead
from .verification import Verification


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
    """The stored fields of a model instance, JSON-ready, for an event's before/after. A column derived from
    other rows (``derived = True`` on its field, e.g. the incident's regimes) is left out: the events of the rows
    it is derived from already tell its changes."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if getattr(field, "derived", False):
            continue
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


#: Events waiting to be sealed and written at the end of a ``batched()`` block (per thread).
_pending = threading.local()


@contextmanager
def batched() -> Iterator[None]:
    """Collect the events appended inside the block and write them together when it ends, still one event per thing.

    Recording an incident appends half a dozen events (created, severity, obligations, breach, one per team
    told); appended one by one each costs a savepoint, a locked read of the head, an insert and an update
    (decision 228). Batched, the head is read and locked once, the events go in one insert with consecutive
    numbers, each sealed over the previous one exactly as ``record`` would, and the head is updated once.
    Use it inside the transaction that makes the changes; a nested block joins the outer one; an error in
    the block writes nothing (the transaction rolls back the rest).
    """
    if getattr(_pending, "events", None) is not None:
        yield  # the outer block writes
        return
    _pending.events = []
    try:
        yield
        events = _pending.events
    finally:
        _pending.events = None
    if events:
        _append(events)


def _append(events: list[AuditEvent]) -> None:
    """Number, seal and insert ``events`` in order after the chain's head, under the head's row lock."""
    ring = keys.keyring()
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    seq, last_hash = head.last_seq, head.last_hash
    for event in events:
        seq += 1
        event.seq, event.at, event.prev_hash, event.key_id = seq, timezone.now(), last_hash, ring.current
        event.hash = keyed_hash(ring.pads(ring.current), seq, stamp(event.at), event.actor_id, event.actor_name,
                                event.action, event.object_type, event.object_id, event.incident_ref,
                                event.data, last_hash, ring.current)
        last_hash = event.hash
    AuditEvent.objects.bulk_create(events)
    AuditHead.objects.filter(id=1).update(last_seq=seq, last_hash=last_hash)


def record(*, action: str, object_type: str, object_id: Any, by: Any, incident_ref: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           summary: str = "") -> AuditEvent:
    """Append one event. Call inside the transaction that makes the change, so both or neither land.

    Inside ``batched()`` the event is sealed and written when the block ends (the returned event has no
    number yet)."""
    data = canonical({"summary": summary, "before": before, "after": after})
    ring = keys.keyring()  # no key, no event: refused before anything is written
    pending = getattr(_pending, "events", None)
    if pending is not None:
        user = by if getattr(by, "pk", None) else None
        event = AuditEvent(actor=user, actor_name=actor_name(by), action=action, object_type=object_type,
                           object_id=str(object_id), incident_ref=incident_ref, data=data)
        pending.append(event)
        return event
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        at = timezone.now()
        seq = head.last_seq + 1
        name = actor_name(by)
        user = by if getattr(by, "pk", None) else None
        actor_id = user.pk if user else None
        digest = keyed_hash(ring.pads(ring.current), seq, stamp(at), actor_id, name, action, object_type,
                            str(object_id), incident_ref, data, head.last_hash, ring.current)
        event = AuditEvent(seq=seq, at=at, actor=user, actor_name=name, action=action, object_type=object_type,
                           object_id=str(object_id), incident_ref=incident_ref, data=data,
                           prev_hash=head.last_hash, hash=digest, key_id=ring.current)
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


def verify(workers: int | None = None, checkpoint_files: Sequence[Path] = (),
           expected: Iterable[tuple[int, str]] = ()) -> Verification:
    """Recompute the whole chain and compare it with every checkpoint; name the first event that does not fit.

    ``checkpoint_files`` are checkpoints held elsewhere (an auditor's copy); ``expected`` are (event number,
    fingerprint) pairs, as printed on an incident report. See ``verification.py``.
    """
    return verification.verify(workers, checkpoint_files, expected)


def head_checkpoint(*, keep: bool = True) -> checkpoints.Checkpoint:
    """A signed checkpoint of the chain's head now; with ``keep``, also appended to the checkpoint folder.

    The folder's file grows only when the head has moved since its last checkpoint (the scheduler calls
    this every pass). An empty log gives a checkpoint of event #0, which is never kept.
    """
    head = AuditHead.objects.filter(id=1).first()
    seq, digest = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    made = checkpoints.sign(seq, digest)
    return checkpoints.append(made) if keep and seq else made


def rotate_key(*, by: Any) -> tuple[str, str]:
    """Start signing with a new audit key; the old ones stay in the ring to verify what they signed.

    The rotation is itself an event, sealed with the new key, and the head is checkpointed under it, so
    the change of key is in the log and outside it. Returns (old key id, new key id).
    """
    old, new = keys.rotate()
    record(action="audit.key_rotated", object_type="auditkey", object_id=new, by=by,
           before={"key_id": old}, after={"key_id": new},
           summary="A new audit key signs events from now on; the old one is kept to verify earlier events")
    head_checkpoint()
    return old, new
