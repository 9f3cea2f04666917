"""The workspace's lessons panel (step 6): proposed, accepted and rejected lessons, and the form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from .forms import DecisionForm, LessonForm
from .models import Lesson


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    return {"template": "lessons/_panel.html", "step": "learn",
            "lessons": Lesson.objects.visible_to(user).filter(incident=incident).select_related("assignee"),
            "lesson_form": LessonForm(), "lesson_decision_form": DecisionForm()}
