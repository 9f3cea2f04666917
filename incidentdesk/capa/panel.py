"""The workspace's corrective and preventive actions panel (ISO/IEC 42001 10.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk import assignment
from incidentdesk.incidents.models import Incident

from .forms import PlanForm, StepForm
from .models import CorrectiveAction


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    plan_form = PlanForm(initial={"assignee": getattr(user, "username", None)})
    plan_form.fields["assignee"].queryset = plan_form.fields["assignee"].queryset.filter(
        pk__in=[u.pk for u in assignment.people_for(incident)])
    return {"template": "capa/_panel.html", "step": "learn",
            "capa": CorrectiveAction.objects.visible_to(user).filter(incident=incident).select_related("assignee"),
            "capa_form": plan_form, "step_form": StepForm()}
