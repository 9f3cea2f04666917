"""Set up and change the organisation profile, with an audit event for every change."""

from __future__ import annotations

from typing import Any

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused

from .models import Organisation


class ProfileRefused(Refused):
    """The profile change is invalid; nothing was stored."""


def save_profile(*, by: Any, **fields: Any) -> Organisation:
    """Create or update the single organisation profile."""
    organisation = Organisation.objects.filter(pk=1).first()
    unknown = [name for name in fields if not hasattr(Organisation, name)]
    if unknown:
        raise ProfileRefused(f"unknown profile field {unknown[0]!r}")
    return audit.save_audited(instance=organisation or Organisation(pk=1), fields=fields, by=by,
                              object_type="organisation", refused=ProfileRefused, creating=organisation is None)
