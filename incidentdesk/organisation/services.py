"""Set up and change the organisation profile, with an audit event for every change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from incidentdesk.audit import services as audit

from .models import Organisation


class ProfileRefused(ValueError):
    """The profile change is invalid; nothing was stored."""


def save_profile(*, by: Any, **fields: Any) -> Organisation:
    """Create or update the single organisation profile."""
    organisation = Organisation.objects.filter(pk=1).first()
    creating = organisation is None
    organisation = organisation or Organisation(pk=1)
    before = audit.snapshot(organisation) if not creating else None
    for name, value in fields.items():
        if not hasattr(organisation, name):
            raise ProfileRefused(f"unknown profile field {name!r}")
        setattr(organisation, name, value)
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise ProfileRefused("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    with transaction.atomic():
        organisation.save()
        after = audit.snapshot(organisation)
        if before is not None:
            before, after = audit.changed(before, after)
        audit.record(action="organisation.created" if creating else "organisation.updated",
                     object_type="organisation", object_id=1, by=by, before=before, after=after)
    return organisation
