"""Verify the audit chain, and compare it with every checkpoint held outside the database.

Two questions, answered in plain words with the first event that is wrong:

1. Does every event still carry its own seal (HMAC under the audit key, or the old SHA-256 for events
   from before the key, only up to the boundary a checkpoint records), and point to the one before it?
   This catches anyone without the key: a changed row, a changed actor, a removed event, a chain
   rewritten with plain SHA-256.
2. Does the chain still hold what each checkpoint recorded? This catches what the chain alone cannot:
   the end of the log cut off (the head moved back), or a rewrite by someone holding the key.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from . import checkpoints
from .chain import keyed_message, legacy_hash, stamp
from .keys import Keyring, Pads, keyring
from .models import GENESIS, AuditEvent, AuditHead

#: Above this many events, verification splits the chain across processes (one per core).
PARALLEL_FROM = 200_000


@dataclass
class Verification:
    ok: bool
    events: int
    first_broken: int | None = None
    problem: str = ""
    seconds: float = 0.0
    checkpoints: int = 0  # trusted checkpoints (and fingerprints) the log was compared with
    latest: checkpoints.Checkpoint | None = None  # the trusted checkpoint of the highest event
    notes: list[str] = field(default_factory=list)  # every other problem found, in plain words


@dataclass
class _Segment:
    """One stretch of the chain checked on its own: its links inside, its two ends for the joins."""

    start: int
    count: int = 0
    first_prev: str = ""
    last_hash: str = ""
    broken: int | None = None
    problem: str = ""


def _legacy_problem(seq: int, legacy_until: int) -> str:
    if legacy_until:
        return (f"event #{seq} carries no key seal, but every event after #{legacy_until} must: it was written "
                f"or rewritten by someone without the audit key")
    return (f"event #{seq} carries no key seal (the format of installations older than the audit key), and no "
            f"checkpoint says how far that format goes: the log was rewritten without the key, or the checkpoint "
            f"written when this installation was upgraded is missing from the checkpoint folder")


def _check_segment(start: int, end: int | None, secrets: dict[str, bytes], legacy_until: int,
                   batch: int = 20_000) -> _Segment:
    """Recompute seals for events start..end-1 from raw rows; links inside the segment must hold."""
    table = AuditEvent._meta.db_table
    # On SQLite, CAST skips the datetime converter: the text is hashed as stored (see chain.stamp).
    at = "CAST(at AS TEXT)" if connection.vendor == "sqlite" else "at"
    limit = "" if end is None else f"AND seq < {int(end)} "
    sql = (f"SELECT seq, {at}, actor_id, actor_name, action, object_type, object_id, incident_ref, data, "
           f"prev_hash, hash, key_id FROM {table} WHERE seq >= %s {limit}ORDER BY seq LIMIT {batch}")
    pads = {kid: Pads.of(secret) for kid, secret in secrets.items()}
    segment, expected, prev_hash = _Segment(start=start), start, None
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [expected])
            rows = cursor.fetchall()
            if not rows:
                return segment
            for seq, stamp_at, actor_id, name, action, otype, oid, ref, data, prev, digest, kid in rows:
                problem = ""
                if seq != expected:
                    seq, problem = expected, f"event #{expected} is missing"
                elif prev_hash is not None and prev != prev_hash:
                    problem = f"event #{seq} does not point to the seal of event #{seq - 1}"
                elif kid:
                    key = pads.get(kid)
                    if key is None:
                        problem = (f"event #{seq} is sealed with a key this installation does not have (key {kid}): "
                                   f"it was made elsewhere, or that key was removed from the key ring")
                    else:  # chain.keyed_hash, inlined: this loop runs once per event
                        inner = key.inner.copy()
                        inner.update(keyed_message(seq, stamp(stamp_at), actor_id, name, action, otype, oid, ref,
                                                   data, prev, kid))
                        outer = key.outer.copy()
                        outer.update(inner.digest())
                        if outer.hexdigest() != digest:
                            problem = f"event #{seq} was altered: its content no longer matches its seal"
                elif seq > legacy_until:
                    problem = _legacy_problem(seq, legacy_until)
                elif legacy_hash(seq, stamp(stamp_at), name, action, otype, oid, ref, data, prev) != digest:
                    problem = f"event #{seq} was altered: its content no longer matches its seal"
                if problem:
                    segment.broken, segment.problem = seq, problem
                    return segment
                if prev_hash is None:
                    segment.first_prev = prev
                prev_hash, expected = digest, seq + 1
                segment.count, segment.last_hash = segment.count + 1, digest


def _segments(last: int, workers: int, secrets: dict[str, bytes], legacy_until: int) -> list[_Segment]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    bounds = [1 + i * last // workers for i in range(workers)] + [last + 1]
    connections.close_all()  # each process opens its own connection; none may share the parent's
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_check_segment, bounds[i], bounds[i + 1] if i < workers - 1 else None, secrets,
                               legacy_until) for i in range(workers)]
        return [f.result() for f in futures]


def _chain(ring: Keyring, legacy_until: int, workers: int | None) -> Verification:
    """Question 1: the chain on its own. A long chain is split into stretches checked in parallel, then
    joined: each stretch's first event must point to the previous stretch's last seal."""
    head = AuditHead.objects.filter(id=1).first()
    last = head.last_seq if head else 0
    workers = workers or min(os.cpu_count() or 1, 4)
    parallel = workers > 1 and last >= PARALLEL_FROM and not connection.in_atomic_block
    segments = (_segments(last, workers, ring.secrets, legacy_until) if parallel
                else [_check_segment(1, None, ring.secrets, legacy_until)])
    prev_hash, count = GENESIS, 0
    for segment in segments:
        if segment.count and segment.first_prev != prev_hash:
            return Verification(False, count, segment.start,
                                f"event #{segment.start} does not point to the seal of event #{segment.start - 1}")
        if segment.broken is not None:
            return Verification(False, count + segment.count, segment.broken, segment.problem)
        if segment.count == 0 and segment is not segments[-1]:
            return Verification(False, count, segment.start, f"event #{segment.start} is missing")
        count += segment.count
        prev_hash = segment.last_hash or prev_hash
    if head and (head.last_seq != count or head.last_hash != prev_hash):
        return Verification(False, count, count + 1, f"events after #{count} are missing (the head records "
                            f"#{head.last_seq})")
    return Verification(True, count)


def _intruders(ring: Keyring) -> list[tuple[int, str]]:
    """What the links and seals alone do not show: rows outside the chain's numbers, and keys used out of turn.

    A row numbered 0 or below was never part of the chain (numbers start at 1), yet an INSERT needs no
    trigger to be dropped. A key that a newer key has replaced must not seal anything after the newer key's
    first event, and a rotation must be sealed by the key it brought in: otherwise whoever kept an old key
    (a leaked backup of the key file) could still rewrite the log after the rotation.
    """
    table = AuditEvent._meta.db_table
    found: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq FROM {table} WHERE seq < 1 ORDER BY seq LIMIT 1")
        row = cursor.fetchone()
        if row:
            found.append((row[0], f"event #{row[0]} lies outside the chain (its events are numbered from 1): it was "
                          f"inserted into the database by hand"))
        cursor.execute(f"SELECT key_id, MIN(seq) FROM {table} WHERE key_id <> '' GROUP BY key_id")
        first_by_key = dict(cursor.fetchall())
    order = list(ring.secrets)
    for newer in order[1:]:
        if newer not in first_by_key:
            continue
        older = order[:order.index(newer)]
        late = (AuditEvent.objects.filter(seq__gt=first_by_key[newer], key_id__in=older)
                .order_by("seq").values_list("seq", "key_id").first())
        if late:
            found.append((late[0], f"event #{late[0]} is sealed with the key {late[1]}, which the key {newer} replaced "
                          f"from event #{first_by_key[newer]} on: it was written or rewritten with a retired key"))
    for seq, kid, data in AuditEvent.objects.filter(action="audit.key_rotated").values_list("seq", "key_id", "data"):
        brought = json.loads(data).get("after", {}).get("key_id")
        if brought and kid != brought:
            found.append((seq, f"event #{seq} records a rotation to the key {brought} but is sealed with the key "
                          f"{kid or 'of the old format'}: it was rewritten with the key the rotation retired"))
    return sorted(found)


@dataclass(frozen=True)
class _Anchor:
    """Something outside the database that says which seal event #seq had: a checkpoint, or a fingerprint."""

    seq: int
    seal: str  # the whole seal, or its beginning (a fingerprint copied from a report)
    where: str
    checkpoint: checkpoints.Checkpoint | None = None

    @property
    def said(self) -> str:
        return f"{self.where} (made {self.checkpoint.at})" if self.checkpoint else self.where


def _anchors(ring: Keyring, files: Sequence[Path], expected: Iterable[tuple[int, str]]
             ) -> tuple[list[_Anchor], list[str], int]:
    """The trusted anchors, the problems of the untrusted ones, and the legacy boundary they record."""
    entries = checkpoints.read_folder() + [e for path in files for e in checkpoints.read(path, f"the file {path}")]
    anchors, problems, legacy_until = [], [], 0
    for entry in entries:
        problem = entry.problem or checkpoints.signature_problem(entry.checkpoint, ring)
        if problem:
            problems.append(f"The checkpoint in {entry.where}, cannot be trusted: {problem}.")
            continue
        anchors.append(_Anchor(entry.checkpoint.seq, entry.checkpoint.hash, f"the checkpoint in {entry.where}",
                               entry.checkpoint))
        legacy_until = max(legacy_until, entry.checkpoint.legacy_until or 0)
    anchors += [_Anchor(seq, seal, f"the fingerprint you gave for event #{seq}") for seq, seal in expected]
    return anchors, problems, legacy_until


def _stored(seqs: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ordered = sorted(seqs)
    for i in range(0, len(ordered), 500):
        found.update(AuditEvent.objects.filter(seq__in=ordered[i:i + 500]).values_list("seq", "hash"))
    return found


def _compare(anchors: list[_Anchor]) -> list[tuple[int, int, str]]:
    """Question 2: each anchor against the log. Returns (first event that may be wrong, anchor's event, why)."""
    stored = _stored({a.seq for a in anchors if a.seq})
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    matched = sorted({a.seq for a in anchors if a.seq and stored.get(a.seq, "").startswith(a.seal)})
    found = []
    for anchor in anchors:
        seal = stored.get(anchor.seq)
        if not anchor.seq or (seal is not None and seal.startswith(anchor.seal)):
            continue
        if seal is None:
            first = anchor.seq if last >= anchor.seq else last + 1
            gone = f"events #{first} to #{anchor.seq} were" if first < anchor.seq else f"event #{first} was"
            found.append((first, anchor.seq, f"{anchor.said} records event #{anchor.seq}, but the log now ends at "
                          f"#{last}: {gone} removed after it was made"))
            continue
        before = max((m for m in matched if m < anchor.seq), default=0)
        where = (f"a checkpoint of event #{before} still matches, so the change lies between #{before + 1} and "
                 f"#{anchor.seq}" if before else f"no earlier checkpoint matches, so the change lies between #1 and "
                 f"#{anchor.seq}")
        found.append((before + 1, anchor.seq, f"event #{anchor.seq} is not the one {anchor.said} recorded: the log "
                      f"up to it was rewritten after that (if every seal holds, by someone holding the audit key); "
                      f"{where}"))
    return sorted(found)


def verify(workers: int | None = None, checkpoint_files: Sequence[Path] = (),
           expected: Iterable[tuple[int, str]] = ()) -> Verification:
    """Check the chain and every checkpoint (the folder's, ``checkpoint_files``, and ``expected`` pairs of
    event number and fingerprint); name the first event that does not fit, and say why."""
    started = time.perf_counter()
    ring = keyring()
    anchors, untrusted, legacy_until = _anchors(ring, checkpoint_files, expected)
    result = _chain(ring, legacy_until, workers)
    intruders = _intruders(ring)
    if intruders and (result.first_broken is None or intruders[0][0] < result.first_broken):
        if result.problem:
            untrusted = [result.problem, *untrusted]
        result.ok, result.first_broken, result.problem = False, intruders[0][0], intruders[0][1]
    untrusted = [problem for _, problem in intruders if problem != result.problem] + untrusted
    mismatches = _compare(anchors)
    broken = result.first_broken
    # A break in the chain names its event exactly; a checkpoint only bounds a stretch. The stretch wins
    # only when it ends before the break (then the break cannot explain it).
    earlier = [m for m in mismatches if broken is None or m[1] < broken]
    found = ([result.problem] if result.problem else []) + [m[2] for m in mismatches] + untrusted
    if earlier:
        result.ok, result.first_broken, result.problem = False, earlier[0][0], earlier[0][2]
    result.notes = [problem for problem in found if problem != result.problem]
    if result.ok and result.notes:
        result.ok, result.problem, result.notes = False, result.notes[0], result.notes[1:]
    trusted = [a.checkpoint for a in anchors if a.checkpoint]
    result.checkpoints = len(anchors)
    result.latest = max(trusted, key=lambda c: (c.seq, c.at), default=None)
    result.seconds = time.perf_counter() - started
    return result
