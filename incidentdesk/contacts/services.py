"""Keep the contact directory, audited; warn about contacts not verified for 12 months."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from incidentdesk.audit import services as audit

from .models import Contact


class ContactRefused(ValueError):
    """Bad input for a contact; nothing was stored."""


def save_contact(*, by: Any, contact: Contact | None = None, **fields: Any) -> Contact:
    creating = contact is None
    contact = contact or Contact()
    before = None if creating else audit.snapshot(Contact.objects.get(pk=contact.pk))
    for name, value in fields.items():
        setattr(contact, name, value)
    if contact.last_verified_on and contact.last_verified_on > date.today():
        raise ContactRefused("last_verified_on: lies in the future")
    try:
        contact.full_clean()
    except ValidationError as exc:
        raise ContactRefused("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    with transaction.atomic():
        contact.save()
        after = audit.snapshot(contact)
        if before is not None:
            before, after = audit.changed(before, after)
        audit.record(action="contact.created" if creating else "contact.updated", object_type="contact",
                     object_id=contact.pk, by=by, before=before, after=after, summary=contact.name)
    return contact


def stale_contacts(today: date | None = None) -> list[Contact]:
    return [c for c in Contact.objects.all() if c.stale(today)]


def escalation_chain(kind: str) -> list[Contact]:
    """Who to reach for this kind, in escalation order (reminders escalate to the next one when overdue)."""
    return list(Contact.objects.filter(kind=kind).order_by("escalation_order", "name"))
