"""The access policy in the Django admin: the admin shows what the person may see, and a closed incident is locked.

``enforce(site)`` runs once the admin modules are loaded (``incidentdesk.urls``) and gives every
registered admin of an incident, or of a row that hangs off one (any model whose queryset has
``visible_to``), the ``PolicyAdmin`` behaviour, inlines included. So an admin added later by any app
is covered without remembering it:

- its lists and pages show only rows this person may see (``visible_to(request.user)``): a restricted
  incident the person is not named on, and all that hangs off it, is absent from the admin too;
- a closed incident, and every row of it, is read-only: no change, no delete (reopen it with a
  reason first, in the web app or the CLI), as the services refuse (``incidents.lock``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from incidentdesk.incidents.models import Incident, Status


def is_scoped(model: type) -> bool:
    """True for incidents and every model whose queryset narrows with ``visible_to``."""
    return hasattr(model._default_manager.get_queryset(), "visible_to")


def incident_of(obj: Any) -> Incident | None:
    """The incident a row belongs to, following its manager's ``incident_path`` (None when there is none)."""
    if obj is None:
        return None
    if isinstance(obj, Incident):
        return obj
    path = getattr(type(obj)._default_manager.get_queryset(), "incident_path", None)
    if not path:
        return None
    current = obj
    for step in path.split("__"):
        current = getattr(current, step, None)
        if current is None:
            return None
    return current if isinstance(current, Incident) else None


def is_closed(obj: Any) -> bool:
    """Whether the row's incident is closed, read from the database (not a stale copy)."""
    incident = incident_of(obj)
    return incident is not None and Incident.objects.filter(pk=incident.pk, status=Status.CLOSED).exists()


class PolicyAdmin:
    """Mixed into a ModelAdmin or an inline: visible rows only, and closed incidents locked."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs

    def has_change_permission(self, request, obj=None):
        if is_closed(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_closed(obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request, *args):
        if args and is_closed(args[0]):  # an inline's parent
            return False
        return super().has_add_permission(request, *args)

    def delete_queryset(self, request, queryset):
        if any(is_closed(obj) for obj in queryset):
            raise PermissionDenied("A closed incident cannot be changed; reopen it with a reason first.")
        super().delete_queryset(request, queryset)


def _with_policy(cls: type) -> type:
    if issubclass(cls, PolicyAdmin):
        return cls
    return type(cls.__name__, (PolicyAdmin, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__})


def enforce(site: admin.AdminSite = admin.site) -> None:
    """Give every registered admin of a scoped model (and every inline of one) the policy. Idempotent."""
    for model, model_admin in list(site._registry.items()):
        inlines = [_with_policy(i) if is_scoped(i.model) else i for i in model_admin.inlines]
        scoped_model = is_scoped(model)
        if not scoped_model and inlines == list(model_admin.inlines):
            continue
        cls = _with_policy(type(model_admin)) if scoped_model else type(model_admin)
        if cls is type(model_admin) and inlines == list(model_admin.inlines):
            continue
        site.unregister(model)
        site.register(model, type(cls.__name__, (cls,), {"__module__": cls.__module__, "__doc__": cls.__doc__,
                                                         "inlines": inlines}))
