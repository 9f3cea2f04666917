"""The workspace's corrective and preventive actions panel (ISO/IEC 42001 10.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from .forms import PlanForm, StepForm
from .models import CorrectiveAction


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    return {"template": "capa/_panel.html", "step": "learn",
            "capa": CorrectiveAction.objects.visible_to(user).filter(incident=incident),
            "capa_form": PlanForm(), "step_form": StepForm()}
