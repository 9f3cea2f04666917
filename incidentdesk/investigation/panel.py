"""The workspace's investigation panel (step 5): the root-cause analysis, as a draft or completed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from .forms import AnalysisForm
from .models import RootCauseAnalysis


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    rca = RootCauseAnalysis.objects.visible_to(user).filter(incident=incident).first()
    initial = {name: getattr(rca, name) for name in AnalysisForm.base_fields if hasattr(rca, name)} if rca else {}
    if rca:
        initial["five_whys"] = "\n".join(rca.five_whys)
    return {"template": "investigation/_panel.html", "step": "investigate", "rca": rca,
            "rca_form": AnalysisForm(initial=initial)}
