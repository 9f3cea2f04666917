"""Personal API tokens: ``idk_<prefix>_<secret>``. The secret has 256 bits of entropy, so a plain
SHA-256 of it is safe to store (a slow hash protects low-entropy passwords, not random tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Forbidden, Refused

from .models import ApiToken, Scope


class TokenRefused(Refused):
    """Bad input for a token; nothing was stored."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, user: Any, name: str, scopes: list[str], by: Any) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the token text, which is never shown again."""
    if not name.strip():
        raise TokenRefused("name: say what the token is for")
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise TokenRefused(f"scopes: choose one or more of {', '.join(Scope.values)}")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name.strip(), prefix=prefix, digest=_digest(secret),
                                        scopes=sorted(set(scopes)))
        audit.record(action="token.created", object_type="apitoken", object_id=token.pk, by=by,
                     after={"user": user.get_username(), "name": token.name, "scopes": token.scopes,
                            "prefix": prefix})
    return token, f"idk_{prefix}_{secret}"


def revoke_token(*, token: ApiToken, by: Any) -> ApiToken:
    cache.delete(f"api-token:{token.prefix}")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(action="token.revoked", object_type="apitoken", object_id=token.pk, by=by,
                     after={"prefix": token.prefix})
    return token


#: Seconds a looked-up token is reused by this process (intake bursts); revoking clears it here at once
#: and, in other server processes, within this time.
CACHE_SECONDS = 30


def _lookup(prefix: str) -> ApiToken | None:
    key = f"api-token:{prefix}"
    token = cache.get(key)
    if token is None:
        token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
        if token is not None:
            cache.set(key, token, CACHE_SECONDS)
    return token


class ScopeMissing(Forbidden):
    """A valid token without the scope this call needs: a 403, not a 401 (the caller is known)."""


def authenticate(text: str, scope: str) -> ApiToken | None:
    """The live token this text stands for, if it carries ``scope``; records when it was last used.

    None for an unknown, revoked or malformed token (401); ``ScopeMissing`` for a valid token that lacks
    the scope (403).
    """
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != "idk":
        return None
    token = _lookup(parts[1])
    if token is None or not hmac.compare_digest(token.digest, _digest(parts[2])) or not token.user.is_active:
        return None
    if scope not in token.scopes:
        raise ScopeMissing(f"this token has the scope(s) {', '.join(token.scopes)}; this call needs {scope!r}")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute: no write per call
        token.last_used_at = now
        cache.set(f"api-token:{token.prefix}", token, CACHE_SECONDS)
    return token


def owner_of(text: str) -> Any | None:
    """The active person a token text belongs to, whatever its scopes; None if it is not a live token.

    For the idempotency middleware, which needs to know whose key it is before the endpoint checks
    the scope. Does not count as a use of the token.
    """
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != "idk":
        return None
    token = _lookup(parts[1])
    if token is None or not hmac.compare_digest(token.digest, _digest(parts[2])) or not token.user.is_active:
        return None
    return token.user
