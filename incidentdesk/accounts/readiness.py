"""Readiness (issue 15): are the roles filled? (``settings.READINESS_CHECKS``)

Someone must be able to run an incident (an administrator or incident manager), and someone else must be
able to stand in (a deputy): the seed procedure's sole founder is a single point of failure.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q

from incidentdesk.readiness import ReadinessItem

from .models import Role

ADMIN_PEOPLE = "/admin/auth/user/"


def check(now: datetime) -> list[ReadinessItem]:
    runners = list(get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(person__role__in=[Role.ADMINISTRATOR, Role.INCIDENT_MANAGER]))
        .distinct().order_by("username").values_list("username", flat=True))
    if len(runners) >= 2:
        detail = f"{len(runners)} people can run an incident: {', '.join(runners[:5])}."
    elif runners:
        detail = f"Only {runners[0]} can run an incident: name a deputy (a second incident manager)."
    else:
        detail = "Nobody can run an incident: name an incident manager and a deputy."
    return [ReadinessItem(key="roles.filled", title="An incident manager and a deputy",
                          ready=len(runners) >= 2, detail=detail, fix_url=ADMIN_PEOPLE,
                          source="Incident procedure, section 1 (owner: incident manager) and section 9 "
                                 "(a successor is briefed); ISO/IEC 42001 clause 5.3")]
