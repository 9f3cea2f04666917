"""Personal API tokens: ``idk_<prefix>_<secret>``. The secret has 256 bits of entropy, so a plain
SHA-256 of it is safe to store (a slow hash protects low-entropy passwords, not random tokens).

A token never does more than its owner's role: it cannot be created with a scope the role could not use,
and at every use its scopes are narrowed to what the owner's role allows *now* (a demoted person's old
token loses the power at once). Every use reads the token, its owner and the owner's role from the
database: no process keeps a copy, so revoking a token or deactivating its owner ends it at once in
every server process.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Forbidden, Refused

from .models import ApiToken, Person, Scope
from .permissions import Capability, can


class TokenRefused(Refused):
    """Bad input for a token; nothing was stored."""


class ScopeBeyondRole(Forbidden):
    """A token asked for a scope its owner's role could not use; nothing was stored."""


#: What a scope is for, as capabilities: the owner's role needs at least one of them to use the scope.
#: Reading needs none: every role reads something (a reporter reads its own reports).
SCOPE_NEEDS: dict[str, frozenset[Capability]] = {
    Scope.READ: frozenset(),
    Scope.WRITE: frozenset({Capability.RECORD, Capability.EDIT, Capability.CLASSIFY, Capability.RESTRICT,
                            Capability.MANAGE_INVENTORY, Capability.MANAGE_ORGANISATION, Capability.TRIAGE}),
    # Alerts fill the triage queue and a source's rules promote them to incidents: what a person who
    # triages does (the reporting channel is there for everyone else).
    Scope.INTAKE: frozenset({Capability.TRIAGE}),
}


def allowed_scopes(user: Any) -> list[str]:
    """The scopes ``user``'s current role can use, in the order of ``Scope``."""
    if not getattr(user, "is_active", False):
        return []
    return [scope for scope in Scope.values
            if not SCOPE_NEEDS[scope] or any(can(user, capability) for capability in SCOPE_NEEDS[scope])]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, user: Any, name: str, scopes: list[str], by: Any) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the token text, which is never shown again.

    Refused for a scope the owner's role could not use (web, CLI and any later path all come here).
    """
    if not name.strip():
        raise TokenRefused("name: say what the token is for")
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise TokenRefused(f"scopes: choose one or more of {', '.join(Scope.values)}")
    beyond = sorted(set(scopes) - set(allowed_scopes(user)))
    if beyond:
        allowed = ", ".join(allowed_scopes(user)) or "none"
        raise ScopeBeyondRole(f"scopes: {user.get_username()}'s role does not allow {', '.join(beyond)} "
                              f"(a token never does more than its owner; allowed: {allowed})")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name.strip(), prefix=prefix, digest=_digest(secret),
                                        scopes=sorted(set(scopes)))
        audit.record(action="token.created", object_type="apitoken", object_id=token.pk, by=by,
                     after={"user": user.get_username(), "name": token.name, "scopes": token.scopes,
                            "prefix": prefix})
    return token, f"idk_{prefix}_{secret}"


def revoke_token(*, token: ApiToken, by: Any) -> ApiToken:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(action="token.revoked", object_type="apitoken", object_id=token.pk, by=by,
                     after={"prefix": token.prefix})
    return token


_LIVE = ("SELECT u.*, t.id AS token_id, t.name AS token_name, t.digest AS token_digest, t.scopes AS token_scopes, "
         "t.last_used_at AS token_last_used_at, p.role AS person_role "
         f"FROM {ApiToken._meta.db_table} t JOIN {get_user_model()._meta.db_table} u ON u.id = t.user_id "
         f"LEFT JOIN {Person._meta.db_table} p ON p.user_id = u.id "
         "WHERE t.prefix = %s AND t.revoked_at IS NULL AND u.is_active = %s")


def _when(value: Any) -> datetime | None:
    """A stored time as the database driver returns it (naive UTC or text on SQLite), as an aware UTC datetime."""
    parsed = value if value is None or isinstance(value, datetime) else parse_datetime(value)
    return parsed.replace(tzinfo=UTC) if parsed is not None and parsed.tzinfo is None else parsed


def _live(text: str) -> ApiToken | None:
    """The unrevoked token of an active person that this text stands for, read from the database now.

    Hand-written, like intake's fold: it runs on every API call, and building the ORM query (a token with
    its owner and role) cost ten times the query itself (bench/intake.py). One query reads the token, its
    owner as a full person (the audit log and the role checks use it) and the role (issue 16: the owner was
    a second query on every call).
    """
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != "idk":
        return None
    user = next(iter(get_user_model().objects.raw(_LIVE, [parts[1], True])), None)
    if user is None or not hmac.compare_digest(user.token_digest, _digest(parts[2])):
        return None
    if user.person_role is not None:  # the role, so that permission checks need no further query
        type(user).person.related.set_cached_value(user, Person(user_id=user.pk, role=user.person_role))
    scopes = user.token_scopes
    token = ApiToken(id=user.token_id, name=user.token_name, prefix=parts[1], digest=user.token_digest,
                     user_id=user.pk, scopes=json.loads(scopes) if isinstance(scopes, str) else scopes,
                     last_used_at=_when(user.token_last_used_at))
    token.user = user
    return token


class ScopeMissing(Forbidden):
    """A valid token without the scope this call needs: a 403, not a 401 (the caller is known)."""


def authenticate(text: str, scope: str) -> ApiToken | None:
    """The live token this text stands for, if it carries ``scope`` and its owner's role still allows it;
    records when it was last used.

    None for an unknown, revoked or malformed token, or one whose owner is deactivated (401);
    ``ScopeMissing`` for a valid token that lacks the scope or whose owner's role no longer allows it (403).
    The returned token's ``effective_scopes`` are its scopes narrowed to the owner's current role.
    """
    token = _live(text)
    if token is None:
        return None
    token.effective_scopes = [s for s in token.scopes if s in allowed_scopes(token.user)]
    if scope not in token.scopes:
        raise ScopeMissing(f"this token has the scope(s) {', '.join(token.scopes)}; this call needs {scope!r}")
    if scope not in token.effective_scopes:
        raise ScopeMissing(f"this token's {scope!r} scope is beyond what its owner's role now allows")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute: no write per call
        token.last_used_at = now
    return token


def owner_of(text: str) -> Any | None:
    """The active person a token text belongs to, whatever its scopes; None if it is not a live token.

    For the idempotency middleware, which needs to know whose key it is before the endpoint checks
    the scope. Does not count as a use of the token.
    """
    token = _live(text)
    return token.user if token is not None else None
