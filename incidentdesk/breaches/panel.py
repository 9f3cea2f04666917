"""The workspace's panel for informing the people affected (GDPR Art 34), shown for personal data breaches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from incidentdesk.incidents.models import Incident

from .forms import CommunicationForm
from .models import BreachAssessment, SubjectCommunication


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    breach = BreachAssessment.objects.visible_to(user).filter(incident=incident).first()
    if breach is None:
        return {"template": "breaches/_none.html", "step": "notify"}
    rows = list(SubjectCommunication.objects.visible_to(user).filter(incident=incident))
    personal = (incident.facts or {}).get("personal_data") or {}
    name = (user.get_full_name() or user.get_username()) if getattr(user, "is_authenticated", False) else ""
    return {
        "template": "breaches/_panel.html", "step": "notify", "informed": rows,
        "informed_count": sum(r.people or 0 for r in rows), "affected_count": personal.get("data_subjects"),
        "informed_form": CommunicationForm(initial={
            "informed_at": timezone.localtime(now).replace(second=0, microsecond=0), "informed_by": name}),
    }
