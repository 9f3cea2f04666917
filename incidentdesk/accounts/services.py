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
