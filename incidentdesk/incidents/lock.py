"""Closed means locked: one check that every service calls before it changes an incident or what hangs off it.

A closed incident is the record an auditor relies on. Until it is reopened with a reason (a lifecycle
move, itself audited), nothing about it changes: not its facts, its level, its clocks, its actions,
its analysis, its documents. Reading, exporting and verifying evidence hashes remain possible, and so
does narrowing who may see it (restricting protects, it does not rewrite the record).
"""

from __future__ import annotations

from incidentdesk.refusals import Conflict

from .models import Incident, Status


class IncidentClosed(Conflict):
    """The incident is closed; reopen it with a reason first."""


def ensure_open(incident: Incident) -> None:
    """Refuse any change to a closed incident. Reads the stored status, not a copy that may be stale."""
    status = Incident.objects.filter(pk=incident.pk).values_list("status", flat=True).first()
    if status == Status.CLOSED:
        raise IncidentClosed(f"{incident.reference} is closed and can no longer be changed; "
                             "reopen it with a reason first (status: investigating)")
