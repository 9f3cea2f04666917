"""Keep the contact directory, audited; warn about contacts not verified for 12 months."""

from __future__ import annotations

from datetime import date
from typing import Any

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused

from .models import Contact


class ContactRefused(Refused):
    """Bad input for a contact; nothing was stored."""


def save_contact(*, by: Any, contact: Contact | None = None, **fields: Any) -> Contact:
    verified = fields.get("last_verified_on") or (contact.last_verified_on if contact else None)
    if verified and verified > date.today():
        raise ContactRefused("last_verified_on: lies in the future")
    return audit.save_audited(instance=contact or Contact(), fields=fields, by=by, object_type="contact",
                              refused=ContactRefused, summary=fields.get("name") or contact.name)


def stale_contacts(today: date | None = None) -> list[Contact]:
    return [c for c in Contact.objects.all() if c.stale(today)]


def escalation_chain(kind: str) -> list[Contact]:
    """Who to reach for this kind, in escalation order (reminders escalate to the next one when overdue)."""
    return list(Contact.objects.filter(kind=kind).order_by("escalation_order", "name"))
