"""Saved views of the register: built-in ones everybody has, a person's own, and those shared with everyone.

A view is the register filter's parameters under a name. Saving checks them with the filter itself (one
truth: a view that the register would refuse is refused when saved, not when used).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit import services as audit
from incidentdesk.refusals import Forbidden, NotFound, Refused

from .filters import RegisterFilter
from .models import SavedView

#: Everyone's views, always there. "me" and "this quarter" are read when the view is used.
BUILT_IN: dict[str, dict[str, str]] = {
    "My open incidents": {"status": "open", "owner": "me"},
    "Level 3+ this quarter": {"severity_min": "3", "period": "this_quarter"},
}
#: Who may share a view with everyone: the people who run the register (incident managers, administrators).
SHARE = Capability.CLASSIFY


class ViewRefused(Refused):
    """The view cannot be saved as asked; nothing was stored."""


@dataclass(frozen=True)
class View:
    name: str
    params: dict[str, str]
    pk: int | None = None
    shared: bool = False
    mine: bool = False

    @property
    def built_in(self) -> bool:
        return self.pk is None


def clean_params(params: Any) -> dict[str, str]:
    """The register filter's parameters, checked by the filter itself; empty ones and the page dropped."""
    fields = RegisterFilter.base_filters
    data = {k: str(v) for k, v in dict(params).items() if k in fields and v not in (None, "")}
    if not data:
        raise ViewRefused("filters: choose at least one filter before saving a view")
    form = RegisterFilter(data, queryset=SavedView.objects.none()).form
    if not form.is_valid():
        problems = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        raise ViewRefused(f"filters: {problems}")
    return data


def clean_params_or_none(params: Any) -> dict[str, str]:
    """The same, or nothing when they do not hold (to send the person back to the register they were on)."""
    try:
        return clean_params(params)
    except ViewRefused:
        return {}


def views_for(user: Any) -> list[View]:
    """The built-in views, then the person's own and those others shared, by name."""
    rows = SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")
    saved = [View(r.name, r.params, r.pk, r.shared, r.owner_id == user.pk) for r in rows]
    return [View(name, params) for name, params in BUILT_IN.items()] + saved


def find(user: Any, name: str) -> View:
    """A view this person has, by name (any case); their own before a shared one of the same name."""
    wanted = name.strip().casefold()
    matches = [v for v in views_for(user) if v.name.casefold() == wanted]
    if not matches:
        names = ", ".join(v.name for v in views_for(user))
        raise NotFound(f"no view named {name!r}; yours: {names}")
    return sorted(matches, key=lambda v: not v.mine)[0]


def save_view(*, user: Any, name: str, params: Any, shared: bool = False) -> SavedView:
    """Save the filter under a name; sharing needs the right to run the register (``SHARE``)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise ViewRefused("name: give the view a name of at most 80 characters")
    if name.casefold() in {n.casefold() for n in BUILT_IN}:
        raise ViewRefused(f"name: {name!r} is a built-in view; choose another name")
    if shared and not can(user, SHARE):
        raise Forbidden("only an incident manager or an administrator may share a view with everyone; "
                        "save it for yourself instead")
    data = clean_params(params)
    try:
        with transaction.atomic():
            view = SavedView.objects.create(name=name, owner=user, shared=shared, params=data)
            audit.record(action="view.saved", object_type="savedview", object_id=view.pk, by=user,
                         after={"name": name, "shared": shared, "filters": data})
    except IntegrityError as exc:
        raise ViewRefused(f"name: you already have a view named {name!r}") from exc
    return view


def delete_view(*, user: Any, pk: int) -> None:
    """Delete one of one's own views (an administrator may also remove a shared one)."""
    view = SavedView.objects.filter(pk=pk).first()
    if view is None or not (view.owner_id == user.pk or (view.shared and can(user, Capability.MANAGE_ORGANISATION))):
        raise NotFound("no such view of yours")
    with transaction.atomic():
        audit.record(action="view.deleted", object_type="savedview", object_id=view.pk, by=user,
                     before={"name": view.name, "shared": view.shared, "filters": view.params})
        view.delete()
