"""Readiness (issue 15): the incident procedure reviewed within 12 months (``settings.READINESS_CHECKS``).

Read from the organisation profile's review date for now; the procedure document's own approval and review
will replace this item.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from incidentdesk.readiness import ReadinessItem

from .models import Organisation

YEAR = timedelta(days=365)


def check(now: datetime) -> list[ReadinessItem]:
    reviewed = Organisation.current().procedure_reviewed_on
    ready = reviewed is not None and reviewed >= timezone.localdate(now) - YEAR
    detail = ("The incident procedure has no review date." if reviewed is None
              else f"Last reviewed on {reviewed:%d %B %Y}" + ("." if ready else ", over a year ago."))
    return [ReadinessItem(key="procedure.reviewed", title="Incident procedure reviewed within 12 months",
                          ready=ready, detail=detail, fix_url=reverse("organisation"),
                          source="Incident procedure, section 9 (reviewed at least annually)")]
