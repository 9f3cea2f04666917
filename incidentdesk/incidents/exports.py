"""Export the register (seed procedure §8 fields) as CSV, JSON or XLSX, streaming in chunks.

The CLI exports the whole register; the web page exports its current filter. Same incidents, same order.
JSON is for programs: its keys are the field names (``FIELDS``) and its times ISO 8601 in UTC. CSV and XLSX
are for people: readable headers, times in the organisation's time zone (the header names the zone) as
``2026-11-09 07:52`` text in the CSV and as real date-time cells in the XLSX. The CSV stays one table (the
incidents); the XLSX has a sheet per record type: incidents, obligations, notifications with their
references, corrective actions. No API route exports the register, so no client reads the old CSV headers;
programs use the JSON (CLI ``--format json``) or the API's register.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import IO, Any

from django.db.models import Prefetch, QuerySet

from incidentdesk import spreadsheet, times
from incidentdesk.assessment import vocabulary
from incidentdesk.audit import services as audit
from incidentdesk.capa.models import CorrectiveAction
from incidentdesk.notifications.models import Notification

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
    """One CSV cell: lists joined, times as local text, text that would run as a formula quoted (CSV injection)."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return f"{times.local(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if value is True or value is False:
        return "Yes" if value else "No"
    if isinstance(value, str):
        return spreadsheet.safe_text(value)
    return value


def _rows(incidents: QuerySet[Incident] | None, *, sheets: bool = False) -> Iterator[Incident]:
    """The incidents to export with what their rows read, fetched per chunk of 2,000 (memory stays flat).

    ``sheets``: also each incident's obligations and corrective actions, which only the workbook's other sheets
    show; the CSV and JSON do not read them, and fetching them was most of a CSV export's time (decision 219).
    """
    qs = (incidents if incidents is not None else Incident.objects.order_by("year", "number")).real()
    sent = Notification.objects.select_related("obligation").order_by("sent_at")
    related = ["tools", "containment_actions", "lessons__changes", Prefetch("notifications", queryset=sent)]
    if sheets:
        actions = CorrectiveAction.objects.select_related("assignee")  # the sheet names each action's owner
        related += ["obligations", Prefetch("corrective_actions", queryset=actions)]
    return qs.select_related("rca").prefetch_related(*related).iterator(chunk_size=2000)


#: What an export does to each value before it is written: nothing, or a pseudonymiser for exports that leave
#: the organisation (``retention.pseudonyms``; the export option "pseudonymised").
Cells = Callable[[Any], Any]


def unchanged(value: Any) -> Any:
    """The export as stored (the default)."""
    return value


def write(stream: IO[str], fmt: str, incidents: QuerySet[Incident] | None = None, cells: Cells = unchanged) -> int:
    """Write CSV or JSON text; returns the number of incidents written."""
    with times.pinned():
        return _write(stream, fmt, _rows(incidents), cells)


def _write(stream: IO[str], fmt: str, incidents: Iterator[Incident], cells: Cells = unchanged) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.writer(stream)
        writer.writerow(_people_headers(INCIDENT_COLUMNS))
        for incident in incidents:
            writer.writerow([_flat(cells(v)) for v in people_row(incident)])
            count += 1
        return count
    stream.write("[")
    for incident in incidents:
        values = {k: cells(v) for k, v in row(incident).items()}
        stream.write(("," if count else "") + json.dumps(values, ensure_ascii=False))
        count += 1
    stream.write("]")
    return count


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(incidents: QuerySet[Incident] | None = None, cells: Cells = unchanged) -> Iterator[str]:
    """CSV lines one by one, for a streaming HTTP response (no whole register in memory)."""
    writer = csv.writer(_Echo())
    tz = times.zone()  # read once; pinned only while a row is written, never across a yield
    with times.pinned(tz):
        header = writer.writerow(_people_headers(INCIDENT_COLUMNS))
    yield header
    for incident in _rows(incidents):
        with times.pinned(tz):
            line = writer.writerow([_flat(cells(v)) for v in people_row(incident)])
        yield line


# --- for people: readable headers, typed values ----------------------------------------------------------

#: (header, is a time) for the incidents table; ``people_row`` gives the values in this order.
INCIDENT_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("Reference", False), ("Title", False), ("Status", False), ("Detected", True), ("Occurred", True),
    ("Became aware", True), ("How it was detected", False), ("Severity level", False), ("Provisional", False),
    ("Severity reasoning", False), ("AI tools", False), ("Tools outside the inventory", False),
    ("Categories", False), ("Categories of personal data", False), ("What happened", False),
    ("Affected parties", False), ("Actions taken and dates", False), ("Notifications", False),
    ("Outcome of the root-cause analysis", False), ("Changes to policy, inventory or procedure", False),
)
OBLIGATION_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("Incident", False), ("Obligation", False), ("Regime", False), ("Legal basis", False), ("To whom", False),
    ("Status", False), ("Clock started", True), ("Due", True), ("Legal latest", True), ("Done", True),
    ("How it was met, or why it is not required", False), ("Rule", False),
)
NOTIFICATION_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("Incident", False), ("Sent", True), ("To", False), ("How", False), ("Their reference", False),
    ("Obligation met", False), ("Legal basis", False), ("Summary", False),
)
ACTION_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("Incident", False), ("Action", False), ("Kind", False), ("Owner", False), ("Due", False), ("Status", False),
    ("Implemented", True), ("How effectiveness is checked", False), ("Check due", False),
    ("Result of the check", False), ("Verified", True), ("Accepted without a check because", False),
)


def _people_headers(columns: tuple[tuple[str, bool], ...]) -> list[str]:
    return [spreadsheet.zone_header(header) if is_time else header for header, is_time in columns]


def _categories_of_data(incident: Incident) -> list[str]:
    return incident.data_class_labels


def people_row(incident: Incident) -> list[Any]:
    """The incident as a person reads it: labels, not codes; times stay times (typed in the XLSX)."""
    tools = list(incident.tools.all())
    return [
        incident.reference, incident.title, incident.get_status_display(), incident.detected_at,
        incident.occurred_at, incident.aware_at, incident.get_detection_source_display(), incident.severity_level,
        "Yes" if incident.provisional else "No", incident.severity_reasoning, [t.name for t in tools],
        [t.name for t in tools if t.outside_inventory], [vocabulary.choice_label("categories", c)
                                                         for c in incident.categories],
        _categories_of_data(incident), incident.description, incident.affected_parties,
        section8.action_lines(incident),
        [f"{times.with_utc(n.sent_at)} to {n.recipient}" + (f", reference {n.reference}" if n.reference else "")
         for n in incident.notifications.all()],
        section8.rca_outcome(incident), section8.resulting_changes(incident),
    ]


def regime_name(regime: str) -> str:
    """The regime as its rule file names it: "GDPR", "EU AI Act", "Incident procedure (internal deadlines)"."""
    from incidentdesk.assessment.rulebook import default_rulebook

    file = default_rulebook().regimes.get(regime)
    return file.meta.title.split(" \u2014 ")[0] if file else regime.replace("_", " ")


def _obligation_rows(incident: Incident, now: datetime) -> Iterator[list[Any]]:
    for o in incident.obligations.all():
        status = o.shown_status(now)
        how = (o.reasons[-1] if o.reasons else "") if status == "not_required" else o.settled_reason
        yield [incident.reference, o.action, regime_name(o.regime),
               o.citation, o.recipient, status.replace("_", " ").capitalize(), o.clock_start_at, o.due_at,
               o.legal_latest_at, o.completed_at, how, f"{o.rule_id} v{o.rule_version}"]


def _notification_rows(incident: Incident) -> Iterator[list[Any]]:
    for n in incident.notifications.all():
        yield [incident.reference, n.sent_at, n.recipient, n.get_channel_display(), n.reference,
               n.obligation.action if n.obligation_id else "", n.obligation.citation if n.obligation_id else "",
               n.summary]


def _action_rows(incident: Incident) -> Iterator[list[Any]]:
    for a in incident.corrective_actions.all():
        yield [incident.reference, a.description, a.get_kind_display().split(" (")[0], a.owner_name, a.due_on,
               a.get_status_display(), a.implemented_at, a.effectiveness_method, a.effectiveness_due_on,
               a.effectiveness_result, a.verified_at, a.acceptance_reason]


def write_xlsx(stream: IO[bytes], incidents: QuerySet[Incident] | None = None, cells: Cells = unchanged) -> int:
    """A workbook with a sheet per record type, streamed (openpyxl write-only keeps memory flat).

    Every sheet has a bold, frozen header row with filters; times are date-time cells in the organisation's
    zone (to the minute on screen, no microseconds), the zone named in the header.
    """
    with times.pinned():
        return _write_xlsx(stream, incidents, cells)


def _write_xlsx(stream: IO[bytes], incidents: QuerySet[Incident] | None, cells: Cells = unchanged) -> int:
    from django.utils import timezone

    now = timezone.now()
    book = spreadsheet.workbook()
    sheets = [spreadsheet.Sheet(book, "Incidents", _people_headers(INCIDENT_COLUMNS)),
              spreadsheet.Sheet(book, "Obligations", _people_headers(OBLIGATION_COLUMNS)),
              spreadsheet.Sheet(book, "Notifications", _people_headers(NOTIFICATION_COLUMNS)),
              spreadsheet.Sheet(book, "Corrective actions", _people_headers(ACTION_COLUMNS))]
    incidents_sheet, obligations_sheet, notifications_sheet, actions_sheet = sheets
    count = 0
    for incident in _rows(incidents, sheets=True):
        incidents_sheet.append([cells(v) for v in people_row(incident)])
        for values in _obligation_rows(incident, now):
            obligations_sheet.append([cells(v) for v in values])
        for values in _notification_rows(incident):
            notifications_sheet.append([cells(v) for v in values])
        for values in _action_rows(incident):
            actions_sheet.append([cells(v) for v in values])
        count += 1
    for sheet in sheets:
        sheet.close()
    book.save(stream)
    return count
