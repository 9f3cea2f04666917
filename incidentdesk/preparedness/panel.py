"""The workspace's exercise panel: for an exercise only, the scenario's injects on the exercise's clock,
the facilitator's "reveal" and "end" buttons, and the exercise report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from . import services
from .models import Exercise


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    exercise = (Exercise.objects.visible_to(user).filter(incident=incident).first()
                if incident.is_exercise else None)
    return {"template": "preparedness/_panel.html", "step": "aside", "exercise": exercise,
            "exercise_steps": services.timeline(exercise) if exercise else [],
            "exercise_scenario": services.scenario_of(exercise) if exercise else None}
