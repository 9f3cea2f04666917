"""Retention: incidents past the organisation's retention period (seed §8: at least 5 years) are listed,
and deleted only by an explicit, logged act. The audit chain keeps the record that they existed and
who deleted them; evidence files are removed from disk with their rows. The triage items that became the
incident go with it (their report is the incident's first account). A tombstone (``DeletedIncident``) keeps
who may still read the deleted incident's history: a restricted incident's events stay restricted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidentdesk.audit import services as audit
from incidentdesk.organisation.models import Organisation
from incidentdesk.refusals import Refused

from .models import DeletedIncident, Incident, Status


class RetentionRefused(Refused):
    """The deletion is not allowed; nothing was deleted."""


def cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    years = Organisation.current().retention_years
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


# Defence in depth, whatever the retention setting: an incident detected, closed or changed less than this
# long ago is never deleted (closing sets updated_at, so a recently closed incident is always kept).
MINIMUM_AGE = timedelta(days=1)


def past_retention(now: datetime | None = None):
    """Closed incidents detected before the cutoff, untouched for a day: the only ones that may be deleted."""
    now = now or timezone.now()
    recent = now - MINIMUM_AGE
    return Incident.objects.filter(status=Status.CLOSED, detected_at__lt=min(cutoff(now), recent),
                                   updated_at__lt=recent).order_by("detected_at")


def tombstone(incident: Incident, now: datetime | None = None) -> DeletedIncident:
    """Keep the deleted incident's restriction (call in the deletion's transaction, before the delete)."""
    kept = DeletedIncident.objects.create(reference=incident.reference, restricted=incident.restricted,
                                          triage_items=sorted(incident.triage.values_list("pk", flat=True)),
                                          deleted_at=now or timezone.now())
    kept.named.set(incident.access.values_list("user_id", flat=True))
    return kept


def delete_incident(*, incident: Incident, by: Any, reason: str, now: datetime | None = None) -> None:
    if not reason.strip():
        raise RetentionRefused("reason: a deletion needs a reason")
    if not past_retention(now).filter(pk=incident.pk).exists():
        raise RetentionRefused(f"{incident.reference} is not closed or not yet past the retention period "
                               f"({Organisation.current().retention_years} years)")
    files = [e.file for e in incident.evidence.all()]
    with transaction.atomic():
        summary = {"reference": incident.reference, "title": incident.title, "detected_at": incident.detected_at,
                   "severity_level": incident.severity_level, "restricted": incident.restricted,
                   "evidence_sha256": [e.sha256 for e in incident.evidence.all()]}
        tombstone(incident, now=now)
        for evidence in incident.evidence.all():
            evidence.custody.all().delete()
        incident.evidence.all().delete()
        incident.triage.all().delete()
        incident.delete()
        audit.record(action="incident.deleted", object_type="incident", object_id=summary["reference"], by=by,
                     incident_ref=summary["reference"], before=summary, after={"reason": reason.strip()})
    for handle in files:  # after the commit: a failed deletion leaves the files in place
        handle.storage.delete(handle.name)
