"""The provider's acknowledgement of the deployer's Art 26(5) notice, as the assessment core reads it.

A low-level lookup (models only, no services), so ``incidents.facts`` can read it without an import circle.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min

from .models import Notification

#: The obligation whose notification goes to the provider (AI Act Art 26(5)); its acknowledgement decides
#: whether the provider was reached (rules with ``unreachable_after`` in ai_act.toml).
PROVIDER_NOTICE_RULE = "AIA-26-5-INFORM-PROVIDER"


def provider_acknowledged_at(incident_id: int) -> datetime | None:
    """The earliest acknowledgement of a notice that met the Art 26(5) obligation, or None."""
    return (Notification.objects.filter(incident_id=incident_id, obligation__rule_id=PROVIDER_NOTICE_RULE)
            .aggregate(first=Min("acknowledged_at"))["first"])
