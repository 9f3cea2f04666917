"""Who does a task, and by when: one check for a person put on an incident's work, one way to (re)assign.

Every app that gives people tasks (containment actions, clocks, corrective actions, lessons, drafts to review)
and the incident's owner use these, so the rule is the same everywhere: a task goes only to an active person
who can see the incident and whose role may do the work; assigning is refused on a closed incident; every
(re)assignment is one audit event, with the names before and after, in the transaction that makes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.incidents.lock import ensure_open
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import NotFound, Refused

#: Leaves a due time as it is (``None`` clears it).
UNCHANGED: Any = object()


class AssignmentRefused(Refused):
    """The person cannot take this task, or the input is invalid; nothing was stored."""


def name_of(user: Any) -> str:
    """How a person is named in pages and the audit log: the full name, else the username; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def person_named(name: str) -> Any:
    """The active person a name means: a username (any case), or exactly one full name.

    The CLI and the API take names, as people say them; two people with the same full name must be named by
    username, so a task never lands on the wrong one.
    """
    wanted = (name or "").strip()
    people = get_user_model().objects.filter(is_active=True)
    user = people.filter(username__iexact=wanted).first() if wanted else None
    if user is not None:
        return user
    matches = [u for u in people if wanted and u.get_full_name().casefold() == wanted.casefold()]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise AssignmentRefused(f"assignee: more than one person is called {wanted!r}; give the username")
    raise NotFound(f"assignee: no active person called {wanted!r} (see: incidentdesk person list)")


def may_work_on(user: Any, incident: Incident, capability: Capability = Capability.EDIT) -> bool:
    """Active, allowed the work by their role, and able to see the incident (a restricted one: named on it)."""
    return bool(user is not None and user.is_active and can(user, capability)
                and Incident.objects.visible_to(user).filter(pk=incident.pk).exists())


def check_person(incident: Incident, user: Any, capability: Capability = Capability.EDIT,
                 field: str = "assignee") -> None:
    """Refuse someone who cannot do the incident's work, saying why in words."""
    if user is None:
        return
    who = name_of(user)
    if not user.is_active:
        raise AssignmentRefused(f"{field}: {who} can no longer sign in")
    if not can(user, capability):
        doing = "run incidents" if capability == Capability.CLASSIFY else "work on incidents"
        raise AssignmentRefused(f"{field}: {who}'s role does not allow them to {doing}")
    if not may_work_on(user, incident, capability):
        raise AssignmentRefused(f"{field}: {who} cannot see {incident.reference} (it is restricted to named people)")


def people_for(incident: Incident, capability: Capability = Capability.EDIT) -> list[Any]:
    """Everyone who could take a task on this incident, by name: the choices of the assign forms."""
    people = get_user_model().objects.filter(is_active=True).select_related("person").order_by(
        "first_name", "last_name", "username")
    if incident.restricted:  # the access policy's rule, in one query: only the people named on it
        people = people.filter(incident_access__incident=incident)
    # Every role that may do a task also reads the whole register, so seeing the incident comes down to the above.
    return [u for u in people if can(u, capability) and can(u, Capability.VIEW_REGISTER)]


def assign(*, row: models.Model, incident: Incident, assignee: Any, by: Any, object_type: str, what: str,
           due_at: datetime | None = UNCHANGED, assignee_field: str = "assignee",
           due_field: str | None = "due_at", capability: Capability = Capability.EDIT) -> models.Model:
    """Give ``row`` (a task of ``incident``) to ``assignee`` (None: to nobody), with a due time if it has one.

    ``what`` names the task in the audit log's sentence ("containment action 'Stop the operation'").
    """
    ensure_open(incident)
    check_person(incident, assignee, capability)
    before = {"assignee": name_of(getattr(row, assignee_field))}
    after = {"assignee": name_of(assignee)}
    fields = {assignee_field: assignee}
    if due_field and due_at is not UNCHANGED:
        before["due_at"], after["due_at"] = getattr(row, due_field), due_at
        fields[due_field] = due_at
    if before == after:
        return row
    for key, value in fields.items():
        setattr(row, key, value)
    summary = (f"{what}: assigned to {after['assignee']}" if after["assignee"] else f"{what}: no one assigned")
    with transaction.atomic():
        row.save(update_fields=[*fields, *(["updated_at"] if hasattr(row, "updated_at") else [])])
        audit.record(action=f"{object_type}.assigned", object_type=object_type, object_id=row.pk, by=by,
                     incident_ref=incident.reference, before=before, after=after, summary=summary)
    return row
