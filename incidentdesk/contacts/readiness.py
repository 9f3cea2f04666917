"""Readiness (issue 15): the contacts an incident needs, each verified within 12 months
(``settings.READINESS_CHECKS``). One item per kind of contact, so verifying one shows at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from incidentdesk.readiness import ReadinessItem

from .models import Contact, ContactKind

YEAR = timedelta(days=365)
#: Whom an incident needs to reach (seed §7; the playbook's "report to appropriate teams").
NEEDED = (ContactKind.SUPERVISORY_AUTHORITY, ContactKind.AI_ACT_AUTHORITY, ContactKind.LEGAL,
          ContactKind.MANAGEMENT)


def _item(kind: ContactKind, today) -> ReadinessItem:
    contacts = list(Contact.objects.filter(kind=kind).order_by("-last_verified_on"))
    fresh = [c for c in contacts if c.last_verified_on >= today - YEAR]
    if fresh:
        detail = f"{fresh[0].name}, last checked on {fresh[0].last_verified_on:%d %B %Y}."
        fix = reverse("contact-edit", args=[fresh[0].pk])
    elif contacts:
        detail = (f"{contacts[0].name} was last checked on {contacts[0].last_verified_on:%d %B %Y}, "
                  "over a year ago: check the details and mark them verified.")
        fix = reverse("contact-edit", args=[contacts[0].pk])
    else:
        detail = f"No contact for “{kind.label}” in the directory."
        fix = reverse("contact-add")
    return ReadinessItem(key=f"contacts.{kind.value}", title=f"{kind.label}: contact verified within 12 months",
                         ready=bool(fresh), detail=detail, fix_url=fix,
                         source="Incident procedure, section 7 (details verified annually)")


def check(now: datetime) -> list[ReadinessItem]:
    today = timezone.localdate(now)
    return [_item(kind, today) for kind in NEEDED]
