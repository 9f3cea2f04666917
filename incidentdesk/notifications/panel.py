"""The workspace's drafts panel (step 4): drafts written from the facts, one button per obligation to draft."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from incidentdesk.incidents.models import Incident
from incidentdesk.obligations.models import Obligation

from .acknowledgements import PROVIDER_NOTICE_RULE
from .drafts import KIND_BY_RULE, KINDS
from .forms import AcknowledgementForm
from .models import Notification, NotificationDraft


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    obligations = Obligation.objects.visible_to(user).filter(incident=incident)
    draftable = [(o, KIND_BY_RULE.get(o.rule_id, "authority_report")) for o in obligations
                 if o.status != "not_required" and o.rule_id != "GDPR-33-5-DOCUMENT"
                 and (o.regime != "internal" or o.rule_id in KIND_BY_RULE)]
    drafts = list(NotificationDraft.objects.visible_to(user).filter(incident=incident)
                  .select_related("assignee", "notification").order_by("kind", "rule_id", "-version"))
    latest = {}
    for d in drafts:
        latest.setdefault((d.kind, d.rule_id), d.pk)
    return {"template": "notifications/_panel.html", "step": "notify",
            "drafts": drafts, "latest_draft_ids": set(latest.values()),
            "draftable": draftable, "kinds": KINDS,
            "notifications": _notifications(incident, user)}


def _notifications(incident: Incident, user: Any) -> list[tuple[Notification, datetime | None, AcknowledgementForm]]:
    """Each notification with, for an unacknowledged notice to the provider (AI Act Art 26(5)), the time after
    which our own Art 73 report is raised (the profile's internal target), and its acknowledgement form."""
    from incidentdesk.organisation.models import Organisation

    hours = Organisation.current().provider_ack_hours
    rows = Notification.objects.visible_to(user).filter(incident=incident).select_related("obligation")
    return [(n, n.sent_at + timedelta(hours=hours)
             if n.obligation_id and n.obligation.rule_id == PROVIDER_NOTICE_RULE and not n.acknowledged_at else None,
             AcknowledgementForm(prefix=f"ack{n.pk}")) for n in rows]
