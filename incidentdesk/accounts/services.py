"""Creating people and changing roles, audited like every other change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused

from .models import Person, Role


class PersonRefused(Refused):
    """Bad input for a person; the message says which field and why."""


def set_role(*, user: Any, role: str, by: Any) -> Person:
    if role not in Role.values:
        raise PersonRefused(f"role: choose one of {', '.join(Role.values)}")
    with transaction.atomic():
        person, _ = Person.objects.get_or_create(user=user)
        before = person.role
        person.role = role
        person.save()
        audit.record(action="person.role", object_type="person", object_id=user.pk, by=by,
                     before={"username": user.get_username(), "role": before},
                     after={"username": user.get_username(), "role": role})
    return person


def add_person(*, username: str, password: str, role: str, by: Any, email: str = "") -> Any:
    """A new login with a role (the CLI's ``incidentdesk person add`` and the demo use this)."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise PersonRefused(f"username: {username!r} already exists")
    with transaction.atomic():
        user = User.objects.create_user(username, email, password)
        set_role(user=user, role=role, by=by)
    return user


def access_of(user: Any) -> dict[str, Any]:
    """Everything that decides what a person may do, as stored: role, flags, groups, admin permissions.

    Read from the database (not a form's unsaved copy), so an event compares what was stored with what is.
    """
    role = Person.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    return {"username": user.get_username(), "role": role or f"{Role.VIEWER} (no role set)",
            "active": user.is_active, "staff": user.is_staff, "superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(f"{app}.{code}" for app, code in user.user_permissions.values_list(
                "content_type__app_label", "codename"))}


_WORDS = {"role": "role", "active": "active", "staff": "admin site access", "superuser": "superuser",
          "groups": "groups", "permissions": "admin permissions"}


def record_access_change(*, user: Any, before: dict[str, Any] | None, by: Any, where: str) -> None:
    """One event for a person created, or for a change of what they may do; none when nothing of it changed."""
    after = access_of(type(user).objects.get(pk=user.pk))
    name = user.get_username()
    if before is None:
        audit.record(action="person.created", object_type="person", object_id=user.pk, by=by, after=after,
                     summary=f"{name} was added {where}")
        return
    before, after = audit.changed(before, after)
    if not after:
        return
    what = ", ".join(_WORDS.get(k, k) for k in after)
    audit.record(action="person.access", object_type="person", object_id=user.pk, by=by,
                 before={"username": name} | before, after={"username": name} | after,
                 summary=f"What {name} may do was changed {where}: {what}")


def record_password_set(*, user: Any, by: Any, where: str) -> None:
    """A password set for someone else: the event says so, never the password or its hash."""
    audit.record(action="person.password_set", object_type="person", object_id=user.pk, by=by,
                 after={"username": user.get_username(), "can_sign_in_with_password": user.has_usable_password()},
                 summary=f"The password of {user.get_username()} was set {where}")


def record_deleted(*, user: Any, by: Any, where: str) -> None:
    audit.record(action="person.deleted", object_type="person", object_id=user.pk, by=by,
                 before=access_of(user), summary=f"{user.get_username()} was deleted {where}")


def group_access(group: Any) -> dict[str, Any]:
    return {"name": group.name, "permissions": sorted(f"{app}.{code}" for app, code in group.permissions.values_list(
        "content_type__app_label", "codename"))}


def record_group_change(*, group: Any, before: dict[str, Any] | None, by: Any, deleted: bool = False) -> None:
    """A group's permissions are the admin rights of its members: its creation, changes and deletion are events."""
    if deleted:
        audit.record(action="group.deleted", object_type="group", object_id=group.pk, by=by, before=before,
                     summary=f"The group {group.name} was deleted in the admin")
        return
    after = group_access(type(group).objects.get(pk=group.pk))
    if before is None:
        audit.record(action="group.created", object_type="group", object_id=group.pk, by=by, after=after,
                     summary=f"The group {group.name} was created in the admin")
        return
    before, after = audit.changed(before, after)
    if after:
        audit.record(action="group.updated", object_type="group", object_id=group.pk, by=by, before=before,
                     after=after, summary=f"The group {group.name} was changed in the admin")
