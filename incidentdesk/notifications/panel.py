"""The workspace's drafts panel (step 4): drafts written from the facts, one button per obligation to draft."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident
from incidentdesk.obligations.models import Obligation

from .drafts import KIND_BY_RULE, KINDS
from .models import Notification, NotificationDraft


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    obligations = Obligation.objects.visible_to(user).filter(incident=incident)
    draftable = [(o, KIND_BY_RULE.get(o.rule_id, "authority_report")) for o in obligations
                 if o.status != "not_required" and o.rule_id != "GDPR-33-5-DOCUMENT"
                 and (o.regime != "internal" or o.rule_id in KIND_BY_RULE)]
    return {"template": "notifications/_panel.html",
            "drafts": NotificationDraft.objects.visible_to(user).filter(incident=incident)
            .order_by("kind", "rule_id", "-version"),
            "draftable": draftable, "kinds": KINDS,
            "notifications": Notification.objects.visible_to(user).filter(incident=incident)}
