"""Set up and change the organisation profile, with an audit event for every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.incidents import services as incidents
from incidentdesk.incidents.models import Incident, Status
from incidentdesk.refusals import Refused

from .models import Organisation


class ProfileRefused(Refused):
    """The profile change is invalid; nothing was stored."""


#: Written by the service, never given: who recorded counsel's answer on AI Act Art 73, and when.
RECORDED = ("art73_reading_recorded_by", "art73_reading_recorded_at")


def _reading_recorded(organisation: Organisation | None, fields: dict[str, Any], *, by: Any,
                      now: datetime) -> dict[str, Any]:
    """Counsel's answer on Art 73 decides deadlines, so the profile keeps who recorded it and when.

    Written only when the answer changes; the audit event of the save carries the same before and after.
    """
    reading = fields.get("art73_reading")
    if reading is None or reading == getattr(organisation, "art73_reading", "undecided"):
        return {}
    return {"art73_reading_recorded_by": audit.actor_name(by), "art73_reading_recorded_at": now}


def save_profile(*, by: Any, now: datetime | None = None, **fields: Any) -> Organisation:
    """Create or update the single organisation profile; open incidents follow a change of its facts."""
    organisation = Organisation.objects.filter(pk=1).first()
    unknown = [name for name in fields if not hasattr(Organisation, name) or name in RECORDED]
    if unknown:
        raise ProfileRefused(f"unknown profile field {unknown[0]!r}")
    now = now or timezone.now()
    fields |= _reading_recorded(organisation, fields, by=by, now=now)
    with transaction.atomic():
        before = organisation.as_facts() if organisation else None
        saved = audit.save_audited(instance=organisation or Organisation(pk=1), fields=fields, by=by,
                                   object_type="organisation", refused=ProfileRefused, creating=organisation is None)
        if before is not None and saved.as_facts() != before:
            reassess_open_incidents(by=by, now=now)
    return saved


def reassess_open_incidents(*, by: Any, now: datetime) -> list[str]:
    """The profile is a fact of every incident (our AI Act role, time zone, internal targets, counsel's answer on
    Art 73, the regimes we are subject to): when it changes, each open incident's clocks are recomputed at once,
    with the rule versions each was computed with (a profile change is not a law change), each audited as
    usual. Closed incidents keep what applied when they were handled. Returns the references recomputed."""
    done = []
    for incident in Incident.objects.exclude(status=Status.CLOSED).order_by("pk"):
        incidents.reassess(incident=incident, by=by, now=now)
        done.append(incident.reference)
    return done
