"""Checkpoints: the head of the audit chain, signed and kept outside the database.

A checkpoint says "at this time, the log ended at event #seq, whose seal was this hash", signed with
the audit key (HMAC-SHA256). They are appended, one JSON line each, to ``audit-checkpoints.jsonl`` in
``INCIDENTDESK_CHECKPOINT_DIR`` by ``incidentdesk audit checkpoint``, by every scheduler pass
(``incidentdesk remind``), when an incident report is made and when someone downloads one.

Why: a person with the key (or one who restores an old backup) can rewrite or shorten the chain so that
it verifies again; a checkpoint made before, and kept where they cannot reach it (copied off the
machine, or in an auditor's hands), still says what the log held. ``verify`` compares them all.

A checkpoint may also carry ``legacy_until``: written once when an installation older than the audit
key is upgraded, it says up to which event the old, unkeyed seals are allowed. It lives here, outside
the database, so a database administrator cannot extend it to hide a rewrite.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from .keys import Keyring, keyring

FILE_NAME = "audit-checkpoints.jsonl"
_DOMAIN = "incidentdesk-checkpoint-v1"
_FIELDS = ("seq", "hash", "at", "key_id", "mac")
_SEAL = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601 UTC, "2026-12-01T23:00:00Z"
    key_id: str
    mac: str
    legacy_until: int | None = None

    def message(self) -> bytes:
        """What the signature covers: every field but the signature itself, with a domain no event uses."""
        legacy = "" if self.legacy_until is None else str(self.legacy_until)
        return "\x1f".join((_DOMAIN, str(self.seq), self.hash, self.at, self.key_id, legacy)).encode()

    def line(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(data, separators=(",", ":"))

    @property
    def fingerprint(self) -> str:
        """The first 16 hex characters of the head's seal, in groups of four: short enough to type."""
        return fingerprint(self.hash)


def fingerprint(digest: str) -> str:
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def sign(seq: int, digest: str, *, ring: Keyring | None = None, legacy_until: int | None = None,
         at: datetime | None = None) -> Checkpoint:
    """A checkpoint of event #seq with seal ``digest``, signed with the current key."""
    ring = ring or keyring()
    when = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    unsigned = Checkpoint(seq, digest, when, ring.current, "", legacy_until)
    return Checkpoint(seq, digest, when, ring.current, ring.sign(unsigned.message()), legacy_until)


def parse(text: str) -> Checkpoint:
    """One checkpoint from its JSON line; ValueError with a plain reason if it is not one."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError("it is not a checkpoint (not a line of JSON)") from exc
    if not isinstance(data, dict) or set(_FIELDS) - set(data):
        raise ValueError("it is not a checkpoint (event number, seal, time, key or signature missing)")
    seq, legacy = data["seq"], data.get("legacy_until")
    if type(seq) is not int or seq < 0 or (legacy is not None and type(legacy) is not int):
        raise ValueError("it is not a checkpoint (its event number is not a whole number)")
    if not all(isinstance(data[k], str) for k in ("hash", "at", "key_id", "mac")):
        raise ValueError("it is not a checkpoint (a field is not text)")
    if not _SEAL.match(data["hash"]):
        raise ValueError("it is not a checkpoint (its seal is not 64 hexadecimal characters)")
    return Checkpoint(seq, data["hash"], data["at"], data["key_id"], data["mac"], legacy)


def signature_problem(checkpoint: Checkpoint, ring: Keyring) -> str:
    """Why this checkpoint cannot be trusted, or "" if its signature holds."""
    import hmac

    if checkpoint.key_id not in ring.secrets:
        return (f"it is signed with a key this installation does not have (key {checkpoint.key_id}): it was not "
                f"made here, or the key that made it was removed from the key ring")
    if not hmac.compare_digest(ring.sign(checkpoint.message(), checkpoint.key_id), checkpoint.mac):
        return "its signature does not match what it says: it was edited or forged after it was made"
    return ""


def folder() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _last_line(handle) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - 4096))
    lines = [line for line in handle.read().decode(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def append(checkpoint: Checkpoint, *, unless_same_head: bool = True) -> Checkpoint:
    """Add ``checkpoint`` to the folder's file, flushed to disk; return it.

    With ``unless_same_head``, when the file's last checkpoint already records this event and seal, that
    one is returned and nothing is written: a quiet log does not grow the file.
    """
    import fcntl

    path = folder() / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # the web app, the scheduler and the CLI may write at once
        if unless_same_head:
            try:
                last = parse(_last_line(handle))
            except ValueError:
                last = None
            if last and last.legacy_until is None and (last.seq, last.hash) == (checkpoint.seq, checkpoint.hash):
                return last
        end = handle.seek(0, os.SEEK_END)
        if end and (handle.seek(end - 1), handle.read(1))[1] != b"\n":
            handle.write(b"\n")  # a line torn by a crash stays on its own (verify names it) and loses nothing else
        handle.write((checkpoint.line() + "\n").encode())
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


@dataclass(frozen=True)
class Entry:
    """One line read from a checkpoint file: the checkpoint, or why it is not one."""

    where: str
    checkpoint: Checkpoint | None
    problem: str = ""


def read(path: Path, label: str | None = None) -> list[Entry]:
    """Every non-empty line of a checkpoint file, with where it came from ("file, line n")."""
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return [Entry(name, None, f"it cannot be read ({exc.strerror})")]
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(Entry(f"{name}, line {number}", parse(line)))
        except ValueError as exc:
            entries.append(Entry(f"{name}, line {number}", None, str(exc)))
    return entries


def read_folder() -> list[Entry]:
    """Every checkpoint file (``*.jsonl``) in the folder: the app's own, and any an auditor put there."""
    directory = folder()
    if not directory.is_dir():
        return []
    return [entry for path in sorted(directory.glob("*.jsonl")) if path.is_file() for entry in read(path)]
