"""When the incident procedure was last reviewed: derived, never stored (one truth).

The later of the last completed review of the procedure and the last approval of a procedure version (an
approval is a review that changed it). The yearly reminder, the readiness check, the law-change page and the
management review pack all read it here; the organisation profile no longer holds a date of its own.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max
from django.utils import timezone

from incidentdesk import times
from incidentdesk.governance.models import DocumentKind, DocumentVersion

from .models import DocumentReview, ReviewStatus

PROCEDURE = DocumentKind.INCIDENT_PROCEDURE


def procedure_reviewed_on() -> date | None:
    """The day (in the organisation's time zone) the incident procedure was last reviewed, or None."""
    reviewed = (DocumentReview.objects.filter(document__kind=PROCEDURE).exclude(status=ReviewStatus.OPEN)
                .aggregate(last=Max("completed_at"))["last"])
    approved = (DocumentVersion.objects.filter(document__kind=PROCEDURE, approved_at__isnull=False)
                .aggregate(last=Max("approved_at"))["last"])
    latest = max((t for t in (reviewed, approved) if t is not None), default=None)
    return timezone.localtime(latest, times.zone()).date() if latest else None
