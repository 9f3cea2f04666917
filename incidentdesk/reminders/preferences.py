"""A person's reminder channels: saving them is an audit event that never holds a secret.

Where reminders go is security-relevant (a webhook URL changed to an outsider's receives the reference and
deadline of every incident the person can see), so each change is on record. But the values are
credentials: a Slack incoming-webhook URL carries its token in the path, a generic webhook URL often does
too, and the webhook secret signs what we send. The audit chain is append-only, so a value written there
could never be removed. An event therefore shows a URL as its scheme and host plus a short fingerprint
(the first characters of its SHA-256, enough to tell "changed to another URL on the same host" from
"unchanged"), and of the secret only that it was set or replaced.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused

from .models import Preference

_LABELS = {"email": "email", "slack_url": "Slack URL", "webhook_url": "webhook URL", "webhook_secret": "webhook secret"}


class PreferencesRefused(Refused):
    """The preferences could not be saved as typed; nothing was saved."""


def masked_url(url: str) -> str:
    """``https://hooks.slack.com/… #1a2b3c4d``: where it points, and whether it changed, without its token."""
    if not url:
        return ""
    parts = urlsplit(url)
    fingerprint = hashlib.sha256(url.encode()).hexdigest()[:8]
    return f"{parts.scheme}://{parts.hostname or ''}/\u2026 #{fingerprint}"


def _public(pref: Preference) -> dict[str, Any]:
    return {"email": pref.email, "slack_url": masked_url(pref.slack_url), "webhook_url": masked_url(pref.webhook_url),
            "webhook_secret": "set" if pref.webhook_secret else "none"}


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{_LABELS.get(k, k)}: {' '.join(v)}" for k, v in exc.message_dict.items())


def save_preferences(*, user: Any, email: bool, slack_url: str, webhook_url: str, webhook_secret: str,
                     by: Any) -> Preference:
    """Store how ``user`` wants reminders; an empty secret keeps the current one. Audited, secrets masked."""
    pref = Preference.objects.filter(user=user).first() or Preference(user=user)
    before = _public(pref) if pref.pk else None
    old_secret = pref.webhook_secret
    pref.email, pref.slack_url, pref.webhook_url = email, slack_url.strip(), webhook_url.strip()
    pref.webhook_secret = webhook_secret.strip() or old_secret
    try:
        pref.full_clean()
    except ValidationError as exc:
        raise PreferencesRefused(_problems(exc)) from exc
    with transaction.atomic():
        pref.save()
        after = _public(pref)
        if before is not None:
            before, after = audit.changed(before, after)
        if pref.webhook_secret != old_secret:
            after["webhook_secret"] = "replaced" if old_secret else "set"
        if not after:
            return pref
        what = ", ".join(_LABELS[k] for k in after)
        audit.record(action="preferences.updated", object_type="preference", object_id=user.pk, by=by,
                     before=before, after=after,
                     summary=f"Reminder preferences of {user.get_username()} changed: {what}")
    return pref
