"""Turn command-line text into values: times in the organisation's zone, and fact values."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import CommandError
from django.utils import timezone

from incidentdesk.organisation.models import Organisation


def parse_time(text: str | None, *, field: str) -> datetime | None:
    """ISO 8601; without an offset it is read in the organisation's time zone. ``now`` is accepted."""
    if text is None or text == "":
        return None
    if text.strip().lower() == "now":
        return timezone.now()
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{field}: {text!r} is not a date and time; use e.g. 2026-03-02T09:15 "
                           "(organisation time) or 2026-03-02T08:15Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(Organisation.current().time_zone or "UTC"))
    return value


def parse_value(text: str) -> Any:
    """``true``/``false``/``unknown``, numbers, JSON lists, or plain text."""
    lowered = text.strip().lower()
    if lowered in ("unknown", "null", "none", ""):
        return None
    if lowered in ("yes", "true"):
        return True
    if lowered in ("no", "false"):
        return False
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--set {pair!r}: write it as name=value, e.g. harm.death=false")
        key = key.strip()
        if key.endswith("_at"):
            changes[key] = parse_time(value, field=key)
        else:
            changes[key] = parse_value(value)
    return changes


def tri(text: str | None, *, field: str) -> bool | None:
    if text is None:
        return None
    value = parse_value(text)
    if value not in (True, False, None):
        raise CommandError(f"{field}: answer yes, no or unknown")
    return value


def parse_day(text: str | None, field: str) -> date | None:
    """A calendar day, ``YYYY-MM-DD`` (the organisation's day); empty is None."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{field}: {text!r} is not a day; use e.g. 2026-01-31") from None
