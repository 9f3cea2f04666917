"""Receive alerts and reports into the triage queue; promote to an incident or dismiss with a reason."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import DetectionSource, Incident
from incidentdesk.refusals import Refused

from .models import AlertSource, Kind, RateCounter, SeenSignature, TriageItem, TriageStatus
from .parsing import PayloadRefused, Signal, parse


class TriageRefused(Refused):
    """The triage decision is not possible as asked; nothing changed."""


_SOURCE = f"SELECT * FROM {AlertSource._meta.db_table} WHERE slug = %s"


def source(slug: str) -> AlertSource | None:
    """The alert source, read on every post (no per-process copy: an edited secret or rule applies at once
    in every server process). A raw query: building the ORM's cost several times the query (bench/intake.py)."""
    return next(iter(AlertSource.objects.raw(_SOURCE, [slug])), None)


class SignatureRefused(Refused):
    """A post to a source with a secret whose signature or timestamp does not hold; nothing was stored."""

    status = 401
    title = "Bad signature"


class StaleTimestamp(SignatureRefused):
    title = "Bad timestamp"


class Replayed(SignatureRefused):
    title = "Replayed request"


#: How far the sender's timestamp may be from the server's clock, either way.
SIGNATURE_WINDOW = timedelta(minutes=5)
SIGNATURE_HELP = ("sign each post: X-IncidentDesk-Timestamp: <Unix seconds now> and X-IncidentDesk-Signature: "
                  "sha256=<hex HMAC-SHA256, with the source's secret, of the timestamp, a full stop and the body>")


def _timestamp(text: str) -> int:
    """The header's Unix seconds as a whole number, never turned into a date.

    Any count of seconds is compared with the clock as a number: a date far outside the window (year
    33658, or before year 1) is simply too far away, where making it a ``datetime`` was a 500.
    """
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise StaleTimestamp(f"X-IncidentDesk-Timestamp is missing or not whole Unix seconds; {SIGNATURE_HELP}")
    return int(text)


def check_signature(source: AlertSource, body: bytes, *, signature: str, timestamp: str,
                    now: datetime | None = None) -> str | None:
    """Check a post's signature and time; returns the digest that marks it as received (None: no secret).

    ``X-IncidentDesk-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`` with
    ``X-IncidentDesk-Timestamp: <Unix seconds>`` no more than 5 minutes from the server's clock. Signing the
    time with the body is what lets a replay be refused: the same post is accepted once (``receive`` stores
    the digest), and outside the window its signature is worthless. A body-only signature (the old scheme)
    is refused with the new scheme's description: it could be replayed for ever.
    """
    if not source.hmac_secret:
        return None
    now = now or timezone.now()
    skew = abs(now.timestamp() - _timestamp(timestamp))
    if skew > SIGNATURE_WINDOW.total_seconds():
        raise StaleTimestamp(f"X-IncidentDesk-Timestamp is {skew:,.0f} seconds from the server's clock (at most "
                             f"{SIGNATURE_WINDOW.total_seconds():.0f} either way): check the sender's clock")
    signed = timestamp.strip().encode() + b"." + body
    expected = "sha256=" + hmac.new(source.hmac_secret.encode(), signed, hashlib.sha256).hexdigest()
    # Bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, found by an attacker as a
    # 500); a header with any is simply not the signature.
    if not hmac.compare_digest(expected.encode(), (signature or "").encode("utf-8", "replace")):
        raise SignatureRefused(f"X-IncidentDesk-Signature does not match; {SIGNATURE_HELP}")
    return hashlib.sha256(f"{source.pk}:{expected}".encode()).hexdigest()


def signature_ok(source: AlertSource, body: bytes, header: str, timestamp: str = "",
                 now: datetime | None = None) -> bool:
    """True if the post is correctly signed and timed (or the source needs no signature)."""
    try:
        check_signature(source, body, signature=header, timestamp=timestamp, now=now)
    except SignatureRefused:
        return False
    return True


_SEEN = SeenSignature._meta.db_table


def _remember(digest: str, now: datetime) -> None:
    """Mark a signed post as received; a second one with the same signature is a replay (unique digest).

    Hand-written SQL, one INSERT per signed post (like ``_fold``), run first in ``receive``'s transaction: a
    replay's IntegrityError ends that transaction with nothing stored, so no savepoint is needed. Marks whose
    window has passed are pruned by the scheduler (``prune``), not here: deleting on every post put a second
    statement and a scan of the index into every write transaction, which held SQLite's one write lock longer.
    """
    adapt = connection.ops.adapt_datetimefield_value
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {_SEEN} (digest, expires_at) VALUES (%s, %s)",
                           [digest, adapt(now + 2 * SIGNATURE_WINDOW)])
    except IntegrityError as exc:
        raise Replayed("this signed post was already received; sign each post with the time it is sent") from exc


def prune(now: datetime | None = None) -> int:
    """Forget replay marks and rate counters whose window has passed (a scheduled pass: ``SCHEDULED_PASSES``).

    Neither is needed once its window has ended: a post signed that long ago is refused for its timestamp,
    and a counter's key names its window. Idempotent, so several schedulers may run it at once. Returns the
    rows deleted.
    """
    now = now or timezone.now()
    marks, _ = SeenSignature.objects.filter(expires_at__lt=now).delete()
    counters, _ = RateCounter.objects.filter(expires_at__lt=now).delete()
    return marks + counters


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


def _rule_for(source: AlertSource, signal: Signal) -> dict[str, Any] | None:
    """The first of the source's rules that promotes this alert automatically, if any."""
    return next((rule for rule in source.auto_rules or [] if _matches(rule, signal)), None)


def receive(*, source: AlertSource, body: bytes, by: Any, seen: str | None = None,
            now: datetime | None = None) -> dict[str, Any]:
    """Fold each alert into an open item with the same fingerprint seen within the window, or open one.

    ``by`` is the person whose intake token sent the alerts: an incident a source's rule promotes is
    recorded by them (the audit event names the rule and the source), never by an anonymous "system".
    ``seen`` is the signed post's digest (``check_signature``): stored in the same transaction, so a
    replay is refused and a post that stored nothing can be sent again.
    Alerts of a batch that cannot be read are reported in ``rejected`` and the others are stored.
    """
    now = now or timezone.now()
    parsed = parse(body)
    signals = parsed.signals
    window = now - timedelta(minutes=settings.INTAKE_DEDUP_MINUTES)
    created = folded = promoted = 0
    with transaction.atomic():
        if seen is not None:
            _remember(seen, now)
        for signal in signals:
            seen_at = signal.at or now
            _lock_fingerprint(source.pk, signal.fingerprint)
            updated = _fold(source.pk, signal.fingerprint, window, now)
            if updated:
                folded += 1
                continue
            item = TriageItem.objects.create(
                kind=Kind.ALERT, reference=_reference("ALR"), source=source, fingerprint=signal.fingerprint,
                title=signal.title, details=signal.details, labels=signal.labels, first_seen=min(seen_at, now),
                last_seen=now)
            created += 1
            rule = _rule_for(source, signal)
            if rule is not None:
                promote(item=item, by=by, now=now, automatically={"source": source.slug, "rule": rule})
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


def promote(*, item: TriageItem, by: Any, now: datetime | None = None, facts: dict | None = None,
            automatically: dict[str, Any] | None = None) -> Incident:
    """Record an incident from the item, facts pre-filled; the item keeps a link to it.

    ``automatically`` names the source and rule when a rule promoted it (``by`` is then the intake token's
    owner); the audit event keeps them, so "who recorded this incident, and why" has an answer.
    """
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
        after = {"reference": item.reference} | ({"automatically": automatically} if automatically else {})
        audit.record(action="triage.promoted", object_type="triageitem", object_id=item.pk, by=by,
                     incident_ref=incident.reference, after=after)
    return incident


def add_to_incident(*, item: TriageItem, incident: Incident, by: Any, now: datetime | None = None) -> TriageItem:
    """Add a waiting item to an incident already recorded (a second report of the same thing) instead of
    recording a duplicate. The item keeps its text and the reporter's contact; the incident's workspace
    lists it under "Where it came from". A closed incident is refused: reopen it first, so the new report is
    read by someone rather than filed under a finished record.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = TriageItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != TriageStatus.OPEN:
            raise TriageRefused(f"{item.reference} is already {locked.get_status_display().lower()}")
        ensure_open(incident)
        if incident.is_exercise:  # decision 191: a real report is never filed under a rehearsal
            raise TriageRefused(f"{incident.reference} is an exercise: a real report cannot be added to it; record it "
                                "as an incident of its own, or add it to a real one. Nothing was changed.")
        locked.status, locked.incident, locked.decided_at = TriageStatus.MERGED, incident, now
        locked.decided_by = by if getattr(by, "pk", None) else None
        locked.save(update_fields=["status", "incident", "decided_at", "decided_by"])
        audit.record(action="triage.added_to_incident", object_type="triageitem", object_id=item.pk, by=by,
                     incident_ref=incident.reference, after={"reference": item.reference, "title": item.title})
    item.refresh_from_db()
    return item


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


__all__ = ["PayloadRefused", "Replayed", "SignatureRefused", "StaleTimestamp", "TriageRefused", "add_to_incident",
           "check_signature", "dismiss", "followed", "promote", "prune", "receive", "report"]
