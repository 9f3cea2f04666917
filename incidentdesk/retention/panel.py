"""The workspace's "keeping the record" panel: the legal hold, and redacting personal data (seed §8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from . import services
from .forms import HoldForm, ReasonForm


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    return {"template": "retention/_panel.html", "step": "aside", "legal_hold": services.active_hold(incident, now),
            "hold_form": HoldForm(), "release_form": ReasonForm()}
