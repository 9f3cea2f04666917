"""Receive alerts and reports into the triage queue; promote to an incident or dismiss with a reason."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.models import DetectionSource, Incident
from incidentdesk.refusals import Refused

from .models import AlertSource, Kind, TriageItem, TriageStatus
from .parsing import PayloadRefused, Signal, parse


class TriageRefused(Refused):
    """The triage decision is not possible as asked; nothing changed."""


def signature_ok(source: AlertSource, body: bytes, header: str) -> bool:
    """``X-IncidentDesk-Signature: sha256=<hex HMAC-SHA256 of the raw body with the source's secret>``."""
    if not source.hmac_secret:
        return True
    expected = "sha256=" + hmac.new(source.hmac_secret.encode(), body, hashlib.sha256).hexdigest()
    # Bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, found by an attacker as a
    # 500); a header with any is simply not the signature.
    return hmac.compare_digest(expected.encode(), (header or "").encode("utf-8", "replace"))


def _reference(prefix: str) -> str:
    """Dated and random: 48 bits keep collisions negligible even at a million items a day."""
    return f"{prefix}-{timezone.now():%Y%m%d}-{secrets.token_hex(6).upper()}"


def _matches(rule: dict[str, Any], signal: Signal) -> bool:
    labels = rule.get("labels") or {}
    minimum = rule.get("min") or {}
    return (all(signal.labels.get(k) == str(v) for k, v in labels.items())
            and all(signal.values.get(k, float("-inf")) >= float(v) for k, v in minimum.items()))


_FOLD = (f"UPDATE {TriageItem._meta.db_table} SET count = count + 1, last_seen = %s "
         "WHERE source_id = %s AND fingerprint = %s AND status = %s AND last_seen >= %s")


def _fold(source_id: int, fingerprint: str, window: datetime, now: datetime) -> int:
    """Count a repeat into its open item. Hand-written: this runs once per alert, and the ORM's
    query building cost more than the query itself (bench/intake.py)."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(_FOLD, [adapt(now), source_id, fingerprint, TriageStatus.OPEN, adapt(window)])
        return cursor.rowcount


def _lock_fingerprint(source_id: int, fingerprint: str) -> None:
    """Serialise "fold or open" per fingerprint until the transaction ends, so dedup is exact under concurrency.

    On PostgreSQL two transactions could both find no open item and both insert one (8 senders of one new
    fingerprint made 529 items out of 200 alerts): a transaction-scoped advisory lock on the fingerprint
    makes the second wait for the first's insert. SQLite needs nothing: its write transactions start
    IMMEDIATE (settings), so they already run one at a time.
    """
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"{source_id}:{fingerprint}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def receive(*, source: AlertSource, body: bytes, now: datetime | None = None) -> dict[str, Any]:
    """Fold each alert into an open item with the same fingerprint seen within the window, or open one.

    Alerts of a batch that cannot be read are reported in ``rejected`` and the others are stored.
    """
    now = now or timezone.now()
    parsed = parse(body)
    signals = parsed.signals
    window = now - timedelta(minutes=settings.INTAKE_DEDUP_MINUTES)
    created = folded = promoted = 0
    with transaction.atomic():
        for signal in signals:
            seen = signal.at or now
            _lock_fingerprint(source.pk, signal.fingerprint)
            updated = _fold(source.pk, signal.fingerprint, window, now)
            if updated:
                folded += 1
                continue
            item = TriageItem.objects.create(
                kind=Kind.ALERT, reference=_reference("ALR"), source=source, fingerprint=signal.fingerprint,
                title=signal.title, details=signal.details, labels=signal.labels, first_seen=min(seen, now),
                last_seen=now)
            created += 1
            if any(_matches(rule, signal) for rule in source.auto_rules or []):
                promote(item=item, by=None, now=now)
                promoted += 1
    return {"received": len(signals), "created": created, "deduplicated": folded, "promoted": promoted,
            "rejected": parsed.rejected}


def report(*, title: str, details: str, contact: str = "", now: datetime | None = None) -> tuple[TriageItem, str]:
    """A report through the public channel. Returns the item and the reporter's private follow token."""
    now = now or timezone.now()
    if not title.strip() or not details.strip():
        raise TriageRefused("title and details: say what happened")
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        item = TriageItem.objects.create(
            kind=Kind.REPORT, reference=_reference("RPT"), title=title.strip()[:200], details=details.strip(),
            first_seen=now, last_seen=now, reporter_contact=contact.strip()[:200],
            follow_digest=hashlib.sha256(token.encode()).hexdigest())
        audit.record(action="report.received", object_type="triageitem", object_id=item.pk, by=None,
                     after={"reference": item.reference, "title": item.title})
    return item, token


def followed(token: str) -> TriageItem | None:
    return TriageItem.objects.filter(follow_digest=hashlib.sha256(token.encode()).hexdigest()).first()


def promote(*, item: TriageItem, by: Any, now: datetime | None = None, facts: dict | None = None) -> Incident:
    """Record an incident from the item, facts pre-filled; the item keeps a link to it."""
    if item.status != TriageStatus.OPEN:
        raise TriageRefused(f"{item.reference} is already {item.get_status_display().lower()}")
    now = now or timezone.now()
    source = DetectionSource.MONITORING if item.kind == Kind.ALERT else DetectionSource.THIRD_PARTY_REPORT
    labels = "\n".join(f"{k}: {v}" for k, v in item.labels.items())
    description = "\n\n".join(filter(None, [item.details, labels,
                                            f"From {item.reference} ({item.count} alert(s) folded)."]))
    with transaction.atomic():
        incident = incidents.record_incident(title=item.title, description=description, by=by, now=now,
                                             detected_at=min(item.first_seen, now), detection_source=source,
                                             facts=facts or {})
        item.status, item.incident, item.decided_at = TriageStatus.PROMOTED, incident, now
        item.decided_by = by if getattr(by, "pk", None) else None
        item.save()
        audit.record(action="triage.promoted", object_type="triageitem", object_id=item.pk, by=by,
                     incident_ref=incident.reference, after={"reference": item.reference})
    return incident


def dismiss(*, item: TriageItem, reason: str, by: Any) -> TriageItem:
    if item.status != TriageStatus.OPEN:
        raise TriageRefused(f"{item.reference} is already {item.get_status_display().lower()}")
    if not reason.strip():
        raise TriageRefused("reason: a dismissal needs a reason (it is the record of why this was no incident)")
    with transaction.atomic():
        item.status, item.dismissed_reason = TriageStatus.DISMISSED, reason.strip()
        item.decided_at, item.decided_by = timezone.now(), by if getattr(by, "pk", None) else None
        item.save()
        audit.record(action="triage.dismissed", object_type="triageitem", object_id=item.pk, by=by,
                     after={"reference": item.reference, "reason": item.dismissed_reason})
    return item


__all__ = ["PayloadRefused", "TriageRefused", "dismiss", "followed", "promote", "receive", "report"]
