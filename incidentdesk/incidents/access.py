"""Who sees which incidents: the role decides the scope, a restriction narrows it to named people.

Reporters see only what they reported. A restricted incident is seen only by the people named on
it (its recorder is named automatically), whatever their role: that is what "restricted" means.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit

from .models import Incident, IncidentAccess


class AccessRefused(PermissionError):
    """The user may not do this; the message says why."""


def visible_incidents(user: Any) -> QuerySet[Incident]:
    if not getattr(user, "is_authenticated", False):
        return Incident.objects.none()
    qs = Incident.objects.all()
    if not can(user, Capability.VIEW_REGISTER):
        qs = qs.filter(created_by=user)
    # Exclude the few restricted incidents this person is not named on, rather than filter on the
    # flag: "id NOT IN (short list)" is answered from any index, so the register's counts stay index
    # scans, and with nothing hidden (the usual case) there is no condition at all.
    hidden = list(Incident.objects.filter(restricted=True).exclude(
        pk__in=IncidentAccess.objects.filter(user=user).values("incident_id")).order_by().values_list("pk", flat=True))
    return qs.exclude(pk__in=hidden) if hidden else qs


def may_see(user: Any, incident: Incident) -> bool:
    return visible_incidents(user).filter(pk=incident.pk).exists()


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
