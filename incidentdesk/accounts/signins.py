"""Sign-ins in the audit log: failures, lock-outs, and the people who signed in and out.

A failed sign-in is a security event an auditor asks about ("who tried to get into the DPO's account?"),
so each one is written to the audit chain with the username tried and the client address. The chain is
append-only, so anyone able to reach the sign-in page could otherwise grow it without bound by trying
made-up usernames (the lock-out counts per username and address, and there are always more usernames).
So failures and lock-outs of usernames that belong to nobody share an hourly budget, counted in the audit
table itself (every server process sees the same count): past it, one event says that they are no longer
written one by one until the hour ends. django-axes still counts and locks every attempt; only the audit
copy is bounded.

Failures and lock-outs of a real person's username are always written, whatever the budget: they are
what the auditor asks about, and a budget they shared with made-up names would let anyone hide an attack
on the administrator behind a hundred junk attempts. They are bounded already: each client gets five
tries at a username before django-axes locks it out, and there are only so many real usernames.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.audit.models import AuditEvent

#: Who acts when nobody is signed in. Parentheses cannot appear in a username, so it names no person.
NOBODY = "(not signed in)"
FAILED, LOCKED_OUT, THROTTLED = "signin.failed", "signin.locked_out", "signin.throttled"
SIGNED_IN, SIGNED_OUT = "person.signed_in", "person.signed_out"
#: Failed sign-ins and lock-outs of unknown usernames written per clock hour; past it, one "throttled" event.
FAILURE_EVENTS_PER_HOUR = 100
USERNAME_LENGTH = 150  # Django's own limit; anything longer is cut, never stored whole


def _hour_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _within_budget(now: datetime) -> bool:
    """True while this hour's failures fit the budget; past it, writes the one "throttled" event and says no.

    Every failure and lock-out written this hour counts, a real person's too (those are written anyway):
    the events about made-up usernames can then never pass the budget, whatever else happened.
    """
    since = _hour_start(now)
    recent = AuditEvent.objects.filter(at__gte=since)
    if recent.filter(action__in=[FAILED, LOCKED_OUT]).count() < FAILURE_EVENTS_PER_HOUR:
        return True
    if not recent.filter(action=THROTTLED).exists():
        audit.record(action=THROTTLED, object_type="signin", object_id="", by=NOBODY,
                     after={"limit_per_hour": FAILURE_EVENTS_PER_HOUR, "hour": since},
                     summary=f"More than {FAILURE_EVENTS_PER_HOUR} failed sign-ins this hour: until the hour "
                             f"ends, those with usernames that belong to nobody are still counted and locked "
                             f"out but not written here one by one (those of a person's username always are)")
    return False


def _known(username: str) -> bool:
    return get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).exists()


def failed(*, username: str, address: str, now: datetime | None = None) -> AuditEvent | None:
    """A sign-in that was refused (wrong password or unknown username).

    None when the username is unknown and the hour's budget is spent; a real person's is always written.
    """
    username = (username or "")[:USERNAME_LENGTH]
    with transaction.atomic():
        known = _known(username)
        if not known and not _within_budget(now or timezone.now()):
            return None
        who = f"\u201c{username}\u201d" if known else f"an unknown username \u201c{username}\u201d"
        return audit.record(action=FAILED, object_type="signin", object_id=username[:64], by=NOBODY,
                            after={"username": username, "known_username": known, "address": address},
                            summary=f"Failed sign-in as {who} from {address}")


def locked_out(*, username: str, address: str, now: datetime | None = None) -> AuditEvent | None:
    """Too many failures: the username is locked on this address for a while (django-axes).

    A real person's lock-out is always written; one of a made-up username only within the hour's budget
    (five junk attempts per name would otherwise still grow the chain without bound).
    """
    username = (username or "")[:USERNAME_LENGTH]
    with transaction.atomic():
        if not _known(username) and not _within_budget(now or timezone.now()):
            return None
        return audit.record(action=LOCKED_OUT, object_type="signin", object_id=username[:64], by=NOBODY,
                            after={"username": username, "address": address},
                            summary=f"Sign-in as \u201c{username}\u201d locked after repeated failures from {address}")


def signed_in(*, user: Any, address: str) -> AuditEvent:
    """A person signed in (bounded by real people signing in, so not budgeted)."""
    return audit.record(action=SIGNED_IN, object_type="person", object_id=user.pk, by=user,
                        after={"address": address}, summary=f"Signed in from {address}")


def signed_out(*, user: Any, address: str) -> AuditEvent:
    return audit.record(action=SIGNED_OUT, object_type="person", object_id=user.pk, by=user,
                        after={"address": address}, summary=f"Signed out from {address}")
