"""Export the register (seed procedure §8 fields) as CSV or JSON, streaming in chunks."""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from incidentdesk.cli.output import iso
from incidentdesk.incidents.models import Incident

FIELDS = ["reference", "title", "status", "detected_at", "occurred_at", "detection_source", "severity_level",
          "provisional", "severity_reasoning", "tools", "outside_inventory", "data_classes", "categories",
          "description", "affected_parties", "actions", "notifications", "rca_outcome", "resulting_changes"]


def row(incident: Incident) -> dict[str, Any]:
    tools = list(incident.tools.all())
    return {
        "reference": incident.reference, "title": incident.title, "status": incident.status,
        "detected_at": iso(incident.detected_at), "occurred_at": iso(incident.occurred_at),
        "detection_source": incident.detection_source, "severity_level": incident.severity_level,
        "provisional": incident.provisional, "severity_reasoning": incident.severity_reasoning,
        "tools": [t.name for t in tools], "outside_inventory": [t.name for t in tools if t.outside_inventory],
        "data_classes": incident.data_classes, "categories": incident.categories,
        "description": incident.description, "affected_parties": incident.affected_parties,
        "actions": [f"{iso(a.taken_at)} {a.description}" for a in incident.actions.all()],
        "notifications": [f"{iso(n.sent_at)} {n.recipient} ({n.channel})" for n in incident.notifications.all()],
        "rca_outcome": incident.rca_outcome, "resulting_changes": incident.resulting_changes,
    }


def _flat(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, list) else value


def write(stream: IO[str], fmt: str) -> int:
    incidents = (Incident.objects.order_by("year", "number")
                 .prefetch_related("tools", "actions", "notifications").iterator(chunk_size=2000))
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=FIELDS)
        writer.writeheader()
        for incident in incidents:
            writer.writerow({k: _flat(v) for k, v in row(incident).items()})
            count += 1
        return count
    stream.write("[")
    for incident in incidents:
        stream.write(("," if count else "") + json.dumps(row(incident), ensure_ascii=False))
        count += 1
    stream.write("]")
    return count
