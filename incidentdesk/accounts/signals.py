"""Sign-in events from Django's and django-axes' signals, written through ``signins``.

django-axes keeps counting attempts made while a username is locked (each one restarts the cool-off) and
sends ``user_login_failed`` and ``user_locked_out`` again for each; those refusals are axes' to count (no
password is checked then), so only the failures up to the limit, and the one lock-out they cause, become
audit events. Our receivers run after axes' (``axes`` comes before ``incidentdesk.accounts`` in
INSTALLED_APPS, and a test checks it), so the count axes just made is on the request.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from incidentdesk.clientaddress import named_address

from . import signins


def _counted_failures(request: Any) -> int | None:
    return getattr(request, "axes_failures_since_start", None)


def _during_lock_out(request: Any, credentials: dict[str, Any] | None) -> bool:
    """True for an attempt refused because the username was already locked (not the one that locked it)."""
    failures = _counted_failures(request)
    if failures is None:
        return bool(getattr(request, "axes_locked_out", False))
    return failures > get_failure_limit(request, credentials)


def _over_http(request: Any) -> bool:
    """A sign-in or sign-out answering a request from a browser; code that logs a user in (a test client's
    ``force_login``, a script) builds a request with no method and no client, and is not a visit."""
    return request is not None and bool(getattr(request, "method", None))


def _username(credentials: dict[str, Any] | None, fallback: str = "") -> str:
    return str((credentials or {}).get("username") or fallback or "")


@receiver(user_login_failed, dispatch_uid="incidentdesk.signin.failed")
def on_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if request is None or _during_lock_out(request, credentials):
        return
    signins.failed(username=_username(credentials), address=named_address(request))


@receiver(user_locked_out, dispatch_uid="incidentdesk.signin.locked_out")
def on_locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    if request is None:
        return
    credentials = getattr(request, "axes_credentials", None)
    if _counted_failures(request) != get_failure_limit(request, credentials):
        return  # an attempt while already locked: the lock-out itself was written when it began
    signins.locked_out(username=_username(credentials, username or ""), address=named_address(request))


@receiver(user_logged_in, dispatch_uid="incidentdesk.signin.signed_in")
def on_signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if _over_http(request) and getattr(user, "pk", None):
        signins.signed_in(user=user, address=named_address(request))


@receiver(user_logged_out, dispatch_uid="incidentdesk.signin.signed_out")
def on_signed_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if _over_http(request) and getattr(user, "pk", None):
        signins.signed_out(user=user, address=named_address(request))
