"""The one access policy: who may see which incidents, and everything that hangs off them.

Every queryset of incidents, or of rows that belong to an incident (obligations, evidence, drafts,
notifications, lessons, document changes, triage items, audit events, calendar entries, exports,
dashboard figures), is narrowed with ``.visible_to(user)`` — as NetBox's ``RestrictedQuerySet.restrict()``
does — so a view, an API route, an export or a count cannot forget it.

The rules:
- no one signed out sees anything;
- a role without "view register" (the reporter) sees only the incidents it recorded, and of
  what hangs off them nothing at all: it follows the status of its reports, never the deliberation;
- a restricted incident is seen only by the people named on it, whatever their role (administrators
  included): that is what "restricted" means. Its reference is then found nowhere else either.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.readmemo import remembered


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def hidden_incident_ids(user: Any) -> list[int]:
    """Restricted incidents this person is not named on (usually none, always few); asked once per reading
    request however many panels and counts ask (``incidentdesk/readmemo.py``)."""
    pk = getattr(user, "pk", None)
    return list(remembered(("hidden incidents", pk), lambda: tuple(_hidden_incident_ids(pk))))


def _hidden_incident_ids(pk: int | None) -> list[int]:
    incident = apps.get_model("incidents", "Incident")
    access = apps.get_model("incidents", "IncidentAccess")
    named = access.objects.filter(user_id=pk).values("incident_id")
    return list(incident.objects.filter(restricted=True).exclude(pk__in=named).order_by()
                .values_list("pk", flat=True))


def may_see_new(user: Any, incident: Any) -> bool:
    """Whether ``visible_to(user)`` would include this incident, recorded in the current transaction and not
    changed since: the same three rules, decided in memory. Nobody is named on an incident recorded a moment
    ago, so a restricted one is hidden from everyone (as ``hidden_incident_ids`` would say); an unrestricted
    one needs no query at all. Recording an exercise tells its owner only if the owner may see it (decision
    190), and two queries for that (the hidden ids, then the incident among the rest) took the recording past
    its budget of 20 (decision 270)."""
    if not _signed_in(user):
        return False
    if not can(user, Capability.VIEW_REGISTER) and incident.created_by_id != getattr(user, "pk", None):
        return False
    return not incident.restricted


def _hidden_deleted(user: Any) -> models.QuerySet:
    """Tombstones of restricted incidents deleted by retention that this person was not named on.

    The same rule as for a live restricted incident, administrators included: deleting an incident must not
    widen who reads its history.
    """
    deleted = apps.get_model("incidents", "DeletedIncident")
    restricted = deleted.objects.filter(restricted=True)
    pk = getattr(user, "pk", None)
    return restricted.exclude(named__pk=pk) if pk is not None else restricted


def hidden_references(user: Any) -> list[str]:
    """References this person may not see, for rows that name an incident by reference (audit events): those
    of ``hidden_incident_ids``, and of restricted incidents since deleted that the person was not named on."""
    incident = apps.get_model("incidents", "Incident")
    live = list(incident.objects.filter(pk__in=hidden_incident_ids(user)).values_list("reference", flat=True))
    return live + list(_hidden_deleted(user).values_list("reference", flat=True))


def hidden_triage_item_ids(user: Any) -> list[str]:
    """Triage items whose report became an incident this person may not see, live or deleted (their
    ``report.received`` event was written before the incident existed, so it names none)."""
    items = apps.get_model("intake", "TriageItem")
    live = [str(pk) for pk in items.objects.filter(incident__in=hidden_incident_ids(user)).values_list("pk", flat=True)]
    return live + [str(pk) for ids in _hidden_deleted(user).values_list("triage_items", flat=True) for pk in ids]


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> IncidentQuerySet:
        scope, hidden = self.visible_parts(user)
        # "id NOT IN (short list)" is answered from any index, and with nothing hidden (the usual case) there is
        # no condition at all.
        return scope.exclude(pk__in=hidden) if hidden else scope

    def visible_parts(self, user: Any) -> tuple[IncidentQuerySet, list[int]]:
        """What ``visible_to`` is made of: the incidents this person's role reaches, and the few restricted ones
        among them the person is not named on. ``visible_to`` is the first less the second.

        Only for a count that must stay fast at a million incidents (the register's): counting "id not in (200
        ids)" made SQLite check each of a million index entries (1 s for a viewer, newest first), where counting
        the scope on its index and subtracting the hidden ones among the matches, looked up by id, is two index
        reads (decision 250). Whoever takes the scope must take the hidden ones out of every row it shows."""
        if not _signed_in(user):
            return self.none(), []
        scope = self if can(user, Capability.VIEW_REGISTER) else self.filter(created_by=user)
        return scope, hidden_incident_ids(user)

    def real(self) -> IncidentQuerySet:
        """Real incidents only: exercises (issue 15) are left out of every figure, the register's default view
        and the exports. The one place that says so; the dashboard, the register and the exports call it.

        As an exclusion of the few exercises (their partial index), like ``visible_to``'s hidden ones: a condition
        on the flag itself made every count of the register read the whole table (166 ms at 200,000 incidents),
        where "id not in (the exercises)" counts on an index (decision 217)."""
        exercises = type(self)(self.model, using=self._db).filter(is_exercise=True).order_by().values("pk")
        return self.exclude(pk__in=exercises)


class IncidentScopedQuerySet(models.QuerySet):
    """Rows that belong to one incident through ``incident_path`` (a foreign key path)."""

    incident_path = "incident"
    #: Rows not tied to any incident (a triage item not yet promoted) are visible to those who may see
    #: the queue; a subclass says so.
    unattached_visible = False

    def visible_to(self, user: Any) -> IncidentScopedQuerySet:
        if not _signed_in(user) or not can(user, Capability.VIEW_WORKSPACE):
            return self.none()
        hidden = hidden_incident_ids(user)
        if not hidden:
            return self if self.unattached_visible else self.filter(**{f"{self.incident_path}__isnull": False})
        qs = self.exclude(**{f"{self.incident_path}__in": hidden})
        if not self.unattached_visible:
            qs = qs.filter(**{f"{self.incident_path}__isnull": False})
        return qs

    def real(self) -> IncidentScopedQuerySet:
        """Rows of real incidents only (see ``IncidentQuerySet.real``); rows tied to no incident stay."""
        return self.exclude(**{f"{self.incident_path}__is_exercise": True})


def scoped(path: str = "incident", *, unattached_visible: bool = False) -> models.Manager:
    """A manager whose querysets have ``visible_to``; ``path`` leads from the row to its incident."""
    queryset = type("ScopedQuerySet", (IncidentScopedQuerySet,),
                    {"incident_path": path, "unattached_visible": unattached_visible})
    return models.Manager.from_queryset(queryset)()
