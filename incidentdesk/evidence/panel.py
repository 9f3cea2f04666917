"""The workspace's evidence panel: files with their SHA-256, upload and "verify all hashes"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from .forms import EvidenceForm
from .models import Evidence


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    return {"template": "evidence/_panel.html", "step": "detect",
            "evidence": Evidence.objects.visible_to(user).filter(incident=incident)
            .select_related("superseded_by"),  # "superseded" per file without a query per file
            "evidence_form": EvidenceForm()}
