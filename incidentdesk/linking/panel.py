"""The workspace's "Tags and related incidents" panel: tags, links both ways, and a merge, if any."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from incidentdesk.incidents.models import Incident

from .forms import LinkForm, MergeForm, TagForm
from .models import IncidentLink, IncidentTag


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    links = (IncidentLink.objects.visible_to(user).filter(Q(source=incident) | Q(target=incident))
             .select_related("source", "target"))
    rows = [{"other": link.target if link.source_id == incident.pk else link.source, "link": link,
             "outgoing": link.source_id == incident.pk} for link in links]
    return {"template": "linking/_panel.html", "step": "aside",
            "tags": IncidentTag.objects.visible_to(user).filter(incident=incident),
            "links": rows, "merged_into": next((r for r in rows if r["link"].merged and r["outgoing"]), None),
            "tag_form": TagForm(), "link_form": LinkForm(), "merge_form": MergeForm()}
