"""Set up and change the organisation profile, with an audit event for every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused

from .models import Organisation


class ProfileRefused(Refused):
    """The profile change is invalid; nothing was stored."""


#: Written by the service, never given: who recorded counsel's answer on AI Act Art 73, and when.
RECORDED = ("art73_reading_recorded_by", "art73_reading_recorded_at")


def _reading_recorded(organisation: Organisation | None, fields: dict[str, Any], *, by: Any,
                      now: datetime) -> dict[str, Any]:
    """Counsel's answer on Art 73 decides deadlines, so the profile keeps who recorded it and when.

    Written only when the answer changes; the audit event of the save carries the same before and after.
    """
    reading = fields.get("art73_reading")
    if reading is None or reading == getattr(organisation, "art73_reading", "undecided"):
        return {}
    return {"art73_reading_recorded_by": audit.actor_name(by), "art73_reading_recorded_at": now}


def save_profile(*, by: Any, now: datetime | None = None, **fields: Any) -> Organisation:
    """Create or update the single organisation profile."""
    organisation = Organisation.objects.filter(pk=1).first()
    unknown = [name for name in fields if not hasattr(Organisation, name) or name in RECORDED]
    if unknown:
        raise ProfileRefused(f"unknown profile field {unknown[0]!r}")
    fields |= _reading_recorded(organisation, fields, by=by, now=now or timezone.now())
    return audit.save_audited(instance=organisation or Organisation(pk=1), fields=fields, by=by,
                              object_type="organisation", refused=ProfileRefused, creating=organisation is None)
