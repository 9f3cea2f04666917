"""Export the register (seed procedure §8 fields) as CSV, JSON or XLSX, streaming in chunks.

The CLI exports the whole register; the web page exports its current filter. Same fields, same order.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from django.db.models import QuerySet
from openpyxl import Workbook

from incidentdesk.audit import services as audit

from . import section8
from .filters import RegisterFilter
from .models import Incident

FIELDS = ["reference", "title", "status", "detected_at", "occurred_at", "detection_source", "severity_level",
          "provisional", "severity_reasoning", "tools", "outside_inventory", "data_classes", "categories",
          "description", "affected_parties", "actions", "notifications", "rca_outcome", "resulting_changes"]
# "actions", "rca_outcome" and "resulting_changes" are derived from the step records (``section8``).


#: Filters are recorded as typed, each cut to this length: the event shows what was asked, not a whole essay.
FILTER_LENGTH = 200
_VIA = {"web": "from the register page", "api": "through the API", "cli": "on the command line"}


def used_filters(params: Mapping[str, Any]) -> dict[str, str]:
    """The register filters a request set (not its sort or page), as typed, for the export's audit event."""
    return {name: str(params.get(name)).strip()[:FILTER_LENGTH] for name in RegisterFilter.base_filters
            if name != "sort" and str(params.get(name) or "").strip()}


def record_export(*, by: Any, fmt: str, rows: int, filters: dict[str, str], via: str) -> None:
    """An export of the register is an audit event: who took which incidents out, in which format.

    Written before the file leaves (a streamed CSV is counted first), so an export that a client stops
    half-way is still on record.
    """
    scope = ("filtered by " + ", ".join(f"{k} = {v}" for k, v in filters.items())) if filters else "no filter"
    audit.record(action="register.exported", object_type="register", object_id=fmt, by=by,
                 after={"format": fmt, "rows": rows, "filters": filters, "via": via},
                 summary=f"Exported {rows} incident(s) as {fmt.upper()} {_VIA.get(via, via)} ({scope})")


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


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
        "actions": [f"{iso(a.taken_at)} {a.get_kind_display()}" + (f": {a.description}" if a.description else "")
                    + f" ({a.get_result_display().lower()})" for a in incident.containment_actions.all()],
        "notifications": [f"{iso(n.sent_at)} {n.recipient} ({n.channel})" for n in incident.notifications.all()],
        "rca_outcome": section8.rca_outcome(incident), "resulting_changes": section8.resulting_changes(incident),
    }


def _flat(value: Any) -> Any:
    """One spreadsheet cell. Text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    value = "; ".join(value) if isinstance(value, list) else value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _rows(incidents: QuerySet[Incident] | None) -> Iterator[Incident]:
    qs = incidents if incidents is not None else Incident.objects.order_by("year", "number")
    return (qs.select_related("rca").prefetch_related("tools", "containment_actions", "notifications",
                                                      "lessons__changes").iterator(chunk_size=2000))


def write(stream: IO[str], fmt: str, incidents: QuerySet[Incident] | None = None) -> int:
    """Write CSV or JSON text; returns the number of incidents written."""
    incidents = _rows(incidents)
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


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(incidents: QuerySet[Incident] | None = None) -> Iterator[str]:
    """CSV lines one by one, for a streaming HTTP response (no whole register in memory)."""
    writer = csv.DictWriter(_Echo(), fieldnames=FIELDS)
    yield writer.writeheader()
    for incident in _rows(incidents):
        yield writer.writerow({k: _flat(v) for k, v in row(incident).items()})


def write_xlsx(stream: IO[bytes], incidents: QuerySet[Incident] | None = None) -> int:
    """Write an XLSX workbook (openpyxl write-only mode keeps memory flat on large registers)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(FIELDS)
    count = 0
    for incident in _rows(incidents):
        sheet.append([_flat(v) for v in row(incident).values()])
        count += 1
    book.save(stream)
    return count
