"""Restricting an incident to named people. Who sees what is decided in one place: ``policy.py``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.refusals import Forbidden

from .models import Incident, IncidentAccess


class AccessRefused(Forbidden):
    """The user may not do this; the message says why."""


def restrict(*, incident: Incident, restricted: bool, people: list[Any], by: Any) -> Incident:
    """Mark an incident restricted (or not) and name who may see it. The actor stays named."""
    if not can(by, Capability.RESTRICT):
        raise AccessRefused("only an incident manager or administrator can restrict an incident")
    names = {p.pk: p for p in people}
    names[by.pk] = by
    if incident.created_by_id:
        names.setdefault(incident.created_by_id, incident.created_by)
    with transaction.atomic():
        before = {"restricted": incident.restricted,
                  "named": sorted(a.user.get_username() for a in incident.access.select_related("user"))}
        incident.restricted = restricted
        incident.save(update_fields=["restricted", "updated_at"])
        incident.access.exclude(user_id__in=names).delete()
        for pk in names:
            IncidentAccess.objects.get_or_create(incident=incident, user_id=pk)
        after = {"restricted": restricted, "named": sorted(p.get_username() for p in names.values())}
        audit.record(action="incident.access", object_type="incident", object_id=incident.pk, by=by,
                     incident_ref=incident.reference, before=before, after=after)
    return incident
