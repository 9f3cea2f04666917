"""The workspace's "Who inside was told" panel (playbook step 3): each team a rule names, whom the directory
gave, when, the acknowledgement clock, escalations, and the gaps where the directory has nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from incidentdesk.incidents.models import Incident

from . import services
from .forms import AcknowledgeForm
from .models import Notice, NoticeState, NoticeStep


@dataclass
class Row:
    """One team in the panel: its notice (None: not told), its state in words, and why."""

    team: str
    label: str
    notice: Notice | None
    state: str
    state_label: str
    reason: str
    because: list[str]
    citation: str
    unknown: list[str]


WAITS_ON_FACTS = "Not told yet: depends on facts still unknown"


def told_row(notice: Notice, now: datetime) -> Row:
    state = notice.state(now)
    return Row(notice.team, notice.get_team_display(), notice, state, NoticeState(state).label, notice.reason,
               notice.because, notice.citation, [])


def rows(incident: Incident, user: Any, now: datetime) -> list[Row]:
    """The teams told (from the access-checked notices) and the teams whose rule waits on an unknown fact.

    ``user`` None is the server's operator reading from the CLI without ``--as`` (as ``incidentdesk show``)."""
    visible = Notice.objects.all() if user is None else Notice.objects.visible_to(user)
    notices = {n.team: n for n in visible.filter(incident=incident)
               .prefetch_related(Prefetch("steps", queryset=NoticeStep.objects.order_by("number")))}
    if user is not None and not Incident.objects.visible_to(user).filter(pk=incident.pk).exists():
        return []
    found = []
    for decision in services.decisions(incident):
        notice = notices.pop(decision.route.team, None)
        if notice is not None:
            found.append(told_row(notice, now))
        elif decision.applies is None:
            route = decision.route
            found.append(Row(route.team, route.team_label, None, "unknown", WAITS_ON_FACTS, route.reason,
                             decision.because, route.citation, decision.unknown))
    for notice in notices.values():  # a rule since removed from the file: the record stays
        found.append(told_row(notice, now))
    return found


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    return {"template": "routing/_panel.html", "step": "notify", "routing_rows": rows(incident, user, now),
            "routing_form": AcknowledgeForm()}
