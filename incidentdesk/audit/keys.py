"""The audit key ring: the secret that signs every audit event, kept outside the database.

A person who can write to the database but cannot read this key cannot recompute a single event's
signature, so any change they make to the log shows. The ring holds every key ever used: the last one
signs new events, the older ones still verify the events they signed (``incidentdesk audit rotate-key``
appends a new key).

Where it comes from (settings, from the environment):

- ``INCIDENTDESK_AUDIT_KEY``: the ring itself (one or more keys, 64 hex characters each, separated by
  spaces, commas or new lines; the last one signs);
- ``INCIDENTDESK_AUDIT_KEY_FILE``: a file holding the ring (one key a line, ``#`` comments);
- neither, with DEBUG on (the demo, the tests): ``<data dir>/audit.key``, created on first use with mode
  0600. With DEBUG off and neither set, the system check ``audit.E001`` refuses to start, rather than
  silently making a key beside the database that a database administrator could read.

A key's id is the first 8 hex characters of a hash of the key: short, stable, and revealing nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_SEPARATORS = re.compile(r"[\s,]+")
HEADER = ("# IncidentDesk audit key ring. Keep it secret, keep a copy apart from the database backups,\n"
          "# and keep every line: old keys verify the events they signed. The last key signs new events.\n")


class KeyProblem(ImproperlyConfigured):
    """The audit key is missing or unreadable: nothing can be recorded until an operator fixes it."""


def key_id(secret: bytes) -> str:
    """The short public name of a key, stored on every event it signs."""
    return hashlib.sha256(b"incidentdesk-audit-key-id\x00" + secret).hexdigest()[:8]


@dataclass(frozen=True)
class Pads:
    """HMAC-SHA256 (RFC 2104) with the key's inner and outer blocks hashed once, then copied per message.

    The same result as ``hmac.digest(key, message, "sha256")``, about twice as fast for short messages,
    which keeps ``audit verify`` near the speed of plain SHA-256.
    """

    inner: object
    outer: object

    @classmethod
    def of(cls, secret: bytes) -> Pads:
        block = secret.ljust(64, b"\0")
        return cls(hashlib.sha256(bytes(b ^ 0x36 for b in block)), hashlib.sha256(bytes(b ^ 0x5C for b in block)))

    def hexdigest(self, message: bytes) -> str:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


@dataclass(frozen=True)
class Keyring:
    """Every key by id; ``current`` signs new events and checkpoints."""

    secrets: dict[str, bytes]
    current: str
    source: str
    _pads: dict[str, Pads] = field(default_factory=dict, compare=False, repr=False)

    def pads(self, kid: str) -> Pads | None:
        """The precomputed HMAC of key ``kid``, or None if this ring does not hold it."""
        if kid not in self._pads and kid in self.secrets:
            self._pads[kid] = Pads.of(self.secrets[kid])
        return self._pads.get(kid)

    def sign(self, message: bytes, kid: str | None = None) -> str:
        pads = self.pads(kid or self.current)
        if pads is None:
            raise KeyProblem(f"the audit key ring ({self.source}) has no key {kid}")
        return pads.hexdigest(message)


def parse(text: str, source: str) -> Keyring:
    """Read a ring: keys of 64 hex characters, in order; ``#`` starts a comment. Refuse anything else."""
    found: list[bytes] = []
    for line in text.splitlines():
        for token in _SEPARATORS.split(line.split("#", 1)[0].strip()):
            if not token:
                continue
            if not _HEX_KEY.match(token):
                raise KeyProblem(f"The audit key ring ({source}) holds something that is not a key: each key is "
                                 f"64 hexadecimal characters (make one with: openssl rand -hex 32).")
            found.append(bytes.fromhex(token))
    if not found:
        raise KeyProblem(f"The audit key ring ({source}) is empty: add a key (openssl rand -hex 32).")
    ring = {key_id(secret): secret for secret in found}
    return Keyring(secrets=ring, current=key_id(found[-1]), source=source)


def _new_key_line(note: str) -> str:
    return f"# {note}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n{secrets.token_hex(KEY_BYTES)}\n"


def _write_new_file(path: Path, text: str) -> bool:
    """Create ``path`` with ``text``, mode 0600, atomically; False if another process created it first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-key-")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # fails if the file exists: two first uses at once make one key
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)


def _file_path() -> Path | None:
    configured = getattr(settings, "AUDIT_KEY_FILE", None)
    return Path(configured) if configured else None


_cache: dict[str, tuple[object, Keyring]] = {}


def _from_file(path: Path) -> Keyring:
    try:
        info = path.stat()
    except FileNotFoundError:
        if not getattr(settings, "AUDIT_KEY_AUTOCREATE", False):
            raise KeyProblem(f"The audit key file {path} does not exist. Create it (umask 077; openssl rand -hex "
                             f"32 > {path}) or point INCIDENTDESK_AUDIT_KEY_FILE at the right file.") from None
        _write_new_file(path, HEADER + _new_key_line("made on first use (DEBUG on, no key configured)"))
        info = path.stat()
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
    cached = _cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        ring = parse(path.read_text(), str(path))
    except OSError as exc:
        raise KeyProblem(f"The audit key file {path} cannot be read: {exc.strerror}.") from exc
    _cache[str(path)] = (stamp, ring)
    return ring


def keyring() -> Keyring:
    """The configured ring (read again when its file changes, so a rotation reaches every process)."""
    text = getattr(settings, "AUDIT_KEY", "")
    if text:
        cached = _cache.get("env")
        if cached and cached[0] == text:
            return cached[1]
        ring = parse(text, "INCIDENTDESK_AUDIT_KEY")
        _cache["env"] = (text, ring)
        return ring
    path = _file_path()
    if path is None:
        raise KeyProblem("The audit log has no key, so it cannot sign events. Make one outside the database "
                         "(umask 077; openssl rand -hex 32 > /etc/incidentdesk/audit.key) and set "
                         "INCIDENTDESK_AUDIT_KEY_FILE to its path (or INCIDENTDESK_AUDIT_KEY to the key).")
    return _from_file(path)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a new 0600 file renamed over it: a reader sees the old ring or the new."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-key-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def rotate() -> tuple[str, str]:
    """Add a new key at the end of the ring file, which then signs new events; the old keys stay for verifying.

    Returns (old id, new id). A ring given in INCIDENTDESK_AUDIT_KEY cannot be rewritten from here.
    """
    import fcntl

    if getattr(settings, "AUDIT_KEY", ""):
        raise KeyProblem("The audit key comes from INCIDENTDESK_AUDIT_KEY, which this command cannot change. Add "
                         "a new key (openssl rand -hex 32) at the end of that variable, keep the old ones before "
                         "it, and restart; or keep the ring in a file (INCIDENTDESK_AUDIT_KEY_FILE).")
    old = keyring()
    path = _file_path()
    with open(f"{path}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two rotations at once add two keys; neither is lost
        text = path.read_text()
        _replace(path, text + ("" if text.endswith("\n") else "\n") + _new_key_line(f"rotated from {old.current}"))
    return old.current, keyring().current


def file_too_open() -> Path | None:
    """The ring file, if people other than its owner may read it."""
    path = _file_path()
    if getattr(settings, "AUDIT_KEY", "") or path is None or not path.exists():
        return None
    return path if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO) else None
