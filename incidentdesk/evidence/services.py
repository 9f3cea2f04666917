"""Add, supersede, open and verify evidence. The file's SHA-256 is computed as it arrives."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Refused

from .models import CustodyEvent, Evidence

# Allowed types by extension, each with a check of the content itself (a renamed file is refused).
MAGIC = {".png": [b"\x89PNG"], ".jpg": [b"\xff\xd8\xff"], ".jpeg": [b"\xff\xd8\xff"], ".gif": [b"GIF8"],
         ".pdf": [b"%PDF"], ".zip": [b"PK\x03\x04"], ".docx": [b"PK\x03\x04"], ".xlsx": [b"PK\x03\x04"],
         ".webp": [b"RIFF"]}
TEXT = {".txt", ".log", ".csv", ".json", ".jsonl", ".md", ".eml", ".har", ".xml", ".html"}
CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                 ".pdf": "application/pdf", ".zip": "application/zip", ".webp": "image/webp",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class EvidenceRefused(Refused):
    """The file is refused (too large, wrong type); nothing was stored."""


def _safe_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in base).strip("._") or "evidence"
    return cleaned[-120:]


def _check_type(name: str, head: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix in MAGIC:
        if not any(head.startswith(m) for m in MAGIC[suffix]):
            raise EvidenceRefused(f"file: the content is not a {suffix} file")
        return CONTENT_TYPES[suffix]
    if suffix in TEXT:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a multi-byte character cut at the end of the sample is fine
                raise EvidenceRefused(f"file: a {suffix} file must be UTF-8 text") from exc
        return "text/plain; charset=utf-8"
    allowed = ", ".join(sorted(set(MAGIC) | TEXT))
    raise EvidenceRefused(f"file: type {suffix or '(none)'} is not accepted; use one of {allowed}")


def add_evidence(*, incident: Incident, stream: IO[bytes], name: str, by: Any, description: str = "",
                 supersedes: Evidence | None = None) -> Evidence:
    """Store a file with its hash. Refuses oversize and mistyped files before anything is written."""
    ensure_open(incident)
    limit = settings.EVIDENCE_MAX_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceRefused(f"file: larger than the limit of {limit // 1_000_000} MB")
    if not data:
        raise EvidenceRefused("file: the file is empty")
    content_type = _check_type(name, data[:4096])
    if supersedes is not None and (supersedes.incident_id != incident.pk or not supersedes.current):
        raise EvidenceRefused("supersedes: only the current version of this incident's evidence can be superseded")
    digest = hashlib.sha256(data).hexdigest()
    actor = audit.actor_name(by)
    with transaction.atomic():
        row = Evidence(incident=incident, original_name=name[:255], content_type=content_type, size=len(data),
                       sha256=digest, description=description.strip(), supersedes=supersedes,
                       added_by=by if getattr(by, "pk", None) else None, added_by_name=actor)
        row.file.save(_safe_name(name), ContentFile(data), save=False)
        row.save()
        CustodyEvent.objects.create(evidence=row, action=CustodyEvent.Action.ADDED, by_name=actor)
        if supersedes is not None:
            CustodyEvent.objects.create(evidence=supersedes, action=CustodyEvent.Action.SUPERSEDED, by_name=actor,
                                        note=f"by {row.original_name} ({digest[:12]}…)")
        audit.record(action="evidence.added", object_type="evidence", object_id=row.pk, by=by,
                     incident_ref=incident.reference,
                     after={"name": row.original_name, "sha256": digest, "size": row.size,
                            "supersedes": supersedes.pk if supersedes else None})
    return row


def open_evidence(*, evidence: Evidence, by: Any, action: str = CustodyEvent.Action.VIEWED) -> IO[bytes]:
    """Open the file for reading and log who did (custody and audit)."""
    CustodyEvent.objects.create(evidence=evidence, action=action, by_name=audit.actor_name(by))
    audit.record(action=f"evidence.{action}", object_type="evidence", object_id=evidence.pk, by=by,
                 incident_ref=evidence.incident.reference, after={"sha256": evidence.sha256})
    return evidence.file.open("rb")


def hash_on_disk(evidence: Evidence) -> str:
    digest = hashlib.sha256()
    with evidence.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_evidence(evidence: Evidence) -> bool:
    """True when the file on disk still has the hash recorded at upload."""
    return hash_on_disk(evidence) == evidence.sha256
