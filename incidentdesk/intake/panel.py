"""The workspace's "where it came from" panel: the triage items that became or joined this incident, with
the reporter's "how can we reach you" (stored with the report, shown until now nowhere)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from .models import TriageItem


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    items = TriageItem.objects.visible_to(user).filter(incident=incident).select_related("source")
    return {"template": "intake/_origin_panel.html", "step": "detect", "origin_items": list(items)}
