"""What each role may do. Views, API and CLI ask ``can(user, capability)``; nothing else decides."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .models import Role


class Capability(StrEnum):
    VIEW_REGISTER = "view_register"      # every (visible) incident, not only one's own
    VIEW_WORKSPACE = "view_workspace"    # an incident's workspace: deliberation, activity, documents
    RECORD = "record"                    # record a new incident
    EDIT = "edit"                        # change facts, add actions
    CLASSIFY = "classify"                # definitive classification, GDPR decision
    RESTRICT = "restrict"                # mark an incident restricted and name who may see it
    MANAGE_INVENTORY = "manage_inventory"
    MANAGE_ORGANISATION = "manage_organisation"
    VIEW_AUDIT = "view_audit"
    EXPORT = "export"
    TRIAGE = "triage"                    # promote or dismiss an item of the triage queue
    MANAGE_DOCUMENTS = "manage_documents"  # write, generate, submit and publish governance documents
    RETAIN = "retain"                    # legal holds, proposing deletions, redacting text (seed §8)


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(C),
    Role.INCIDENT_MANAGER: frozenset({C.VIEW_REGISTER, C.VIEW_WORKSPACE, C.RECORD, C.EDIT, C.CLASSIFY, C.RESTRICT,
                                      C.MANAGE_INVENTORY, C.EXPORT, C.TRIAGE, C.MANAGE_DOCUMENTS, C.RETAIN}),
    Role.RESPONDER: frozenset({C.VIEW_REGISTER, C.VIEW_WORKSPACE, C.RECORD, C.EDIT, C.EXPORT, C.TRIAGE}),
    Role.VIEWER: frozenset({C.VIEW_REGISTER, C.VIEW_WORKSPACE, C.EXPORT}),
    Role.AUDITOR: frozenset({C.VIEW_REGISTER, C.VIEW_WORKSPACE, C.VIEW_AUDIT, C.EXPORT}),
    Role.REPORTER: frozenset({C.RECORD}),
}


def role_of(user: Any) -> str | None:
    """The user's role; superusers are administrators, anonymous users have none."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return person.role if person else Role.VIEWER


def can(user: Any, capability: Capability | str) -> bool:
    role = role_of(user)
    return role is not None and Capability(capability) in ROLE_CAPABILITIES[role]


def capabilities(user: Any) -> dict[str, bool]:
    """For templates: ``{% if may.edit %}``."""
    role = role_of(user)
    granted = ROLE_CAPABILITIES.get(role, frozenset()) if role else frozenset()
    return {c.value: c in granted for c in Capability}
