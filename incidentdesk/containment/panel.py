"""The workspace's containment panel (step 2): what was done, the tools' rollback procedures, the form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from incidentdesk.incidents.models import Incident

from .forms import ContainmentForm
from .models import ContainmentAction, ContainmentResult


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    local = timezone.localtime(now).replace(second=0, microsecond=0)
    return {
        "template": "containment/_panel.html", "step": "contain",
        "containment": ContainmentAction.objects.visible_to(user).filter(incident=incident).select_related("assignee"),
        "result_choices": ContainmentResult.choices,
        "containment_form": ContainmentForm(initial={"taken_at": local, "taken_by": _name(user)}),
        "rollback": [t.tool for t in incident.tools.select_related("tool") if t.tool_id and t.tool.rollback_procedure],
    }


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if getattr(user, "is_authenticated", False) else ""
