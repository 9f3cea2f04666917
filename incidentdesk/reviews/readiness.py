"""The review cycle's readiness item (``settings.READINESS_CHECKS``): is the procedure approved and reviewed on time?"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from incidentdesk import times
from incidentdesk.governance.current import procedure_in_force
from incidentdesk.governance.models import Document, DocumentKind
from incidentdesk.readiness import ReadinessItem

from .models import DocumentReview, ReviewStatus


def procedure_approved(now: datetime) -> list[ReadinessItem]:
    """Ready when a version of the incident procedure is in force, its next review date has not passed, and no
    review of it is overdue."""
    today = now.astimezone(times.zone()).date()
    version = procedure_in_force()
    document = Document.objects.filter(kind=DocumentKind.INCIDENT_PROCEDURE).first()
    overdue = DocumentReview.objects.filter(document__kind=DocumentKind.INCIDENT_PROCEDURE,
                                            status=ReviewStatus.OPEN, due_on__lt=today).count()
    if version is None:
        ready, detail, fix = False, "No version of the incident procedure is approved and in force.", "documents"
    elif document and document.next_review_on and document.next_review_on < today:
        ready, fix = False, "reviews"
        detail = f"Version {version.number} is in force, but its review was due on {document.next_review_on}."
    elif overdue:
        ready, fix = False, "reviews"
        detail = f"Version {version.number} is in force, but a review of it is overdue ({overdue} in all)."
    else:
        ready, fix = True, "reviews"
        due = f"; next review by {document.next_review_on}" if document and document.next_review_on else ""
        detail = f"Version {version.number} is in force{due}."
    return [ReadinessItem(key="procedure.approved", title="Incident procedure approved and reviewed on time",
                          ready=ready, detail=detail, fix_url=reverse(fix),
                          source="Incident procedure, sections 1 and 9; ISO/IEC 42001 clause 7.5.2", weight=2)]
