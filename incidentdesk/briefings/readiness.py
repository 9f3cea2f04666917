"""The readiness item "everyone with tool access briefed" (procedure §9; ``settings.READINESS_CHECKS``)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from incidentdesk.readiness import ReadinessItem
from incidentdesk.times import local

from .models import ToolAccess
from .services import current_version, unbriefed


def check(now: datetime) -> list[ReadinessItem]:
    day = local(now).date()
    missing = unbriefed(day)
    people = {g.key for g in ToolAccess.objects.filter(tool__briefing_required=True, ended_on__isnull=True)}
    if missing:
        names = ", ".join(p.name for p in missing[:5]) + (" and others" if len(missing) > 5 else "")
        detail = (f"{len(missing)} of {len(people)} people with access to tools that require a briefing are not "
                  f"briefed on version {current_version()} of the procedure: {names}")
    elif people:
        detail = f"All {len(people)} people with access to tools that require a briefing are briefed"
    else:
        detail = "No tool in the inventory requires a briefing, or nobody's access to one is recorded"
    return [ReadinessItem(key="briefings.tool_users_briefed", title="Everyone with tool access briefed",
                          ready=not missing, detail=detail, fix_url=reverse("briefings"),
                          source="Our incident procedure §9 (training and preparedness)")]
