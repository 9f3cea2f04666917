"""Readiness (issue 15): is the AI tool inventory complete and reviewed? (``settings.READINESS_CHECKS``)

Complete: each approved tool names an owner, its AI Act risk class, how to reach its provider about an
incident, and how to roll it back or switch to a fallback (the containment step reads that procedure).
Reviewed: each tool's entry was changed or confirmed within the last 12 months.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse

from incidentdesk.readiness import ReadinessItem

from .models import AITool

YEAR = timedelta(days=365)
NEEDED = (("owner", "an owner"), ("risk_class", "a risk class"),
          ("provider_incident_contact", "a provider contact for incidents"),
          ("rollback_procedure", "a rollback or fallback procedure"))


def _gaps(tool: AITool) -> list[str]:
    return [words for name, words in NEEDED if not str(getattr(tool, name) or "").strip()]


def check(now: datetime) -> list[ReadinessItem]:
    tools = list(AITool.objects.filter(approved=True).order_by("name"))
    incomplete = [(t, _gaps(t)) for t in tools if _gaps(t)]
    stale = [t for t in tools if t.updated_at < now - YEAR]
    first = incomplete[0][0] if incomplete else (stale[0] if stale else None)
    if not tools:
        detail = "No AI tool is in the inventory yet."
    elif incomplete or stale:
        parts = [f"{t.name} lacks {', '.join(g)}" for t, g in incomplete[:3]]
        parts += [f"{len(incomplete) - 3} more incomplete"] if len(incomplete) > 3 else []
        parts += [f"{len(stale)} not reviewed for over a year"] if stale else []
        detail = "; ".join(parts) + "."
    else:
        detail = f"All {len(tools)} tools have an owner, a risk class, a provider contact and a rollback procedure."
    return [ReadinessItem(
        key="inventory.complete", title="AI tool inventory complete and reviewed within 12 months",
        ready=bool(tools) and not incomplete and not stale, detail=detail,
        fix_url=reverse("tool-edit", args=[first.pk]) if first else reverse("inventory"),
        source="Incident procedure, sections 6 and 10 (the AI Tool Inventory); ISO/IEC 42001 clause A.4",
        weight=2)]
