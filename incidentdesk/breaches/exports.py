"""The breach register as CSV, XLSX and PDF, each export an audit event (who took which breaches out)."""

from __future__ import annotations

import csv
import io
from typing import IO, Any

from django.utils import timezone

from incidentdesk import spreadsheet, times
from incidentdesk.audit import services as audit
from incidentdesk.documents.markdown import escape, to_html
from incidentdesk.documents.render import pdf
from incidentdesk.organisation.models import Organisation

from .register import COLUMNS, entries, text

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}
_VIA = {"web": "from the breach register page", "api": "through the API", "cli": "on the command line"}


def _headers() -> list[str]:
    return [spreadsheet.zone_header(c.header) if c.time else c.header for c in COLUMNS]


def write_csv(stream: IO[str], user: Any) -> int:
    """One table, readable headers, times as text in the organisation's zone with UTC beside them."""
    writer = csv.writer(stream)
    writer.writerow([c.header for c in COLUMNS])
    count = 0
    for item in entries(user):
        writer.writerow([spreadsheet.safe_text(text(item[c.key])) if not c.number else item[c.key]
                         for c in COLUMNS])
        count += 1
    return count


def write_xlsx(stream: IO[bytes], user: Any) -> int:
    """One sheet, typed times (naive local, zone in the header), frozen header row with filters."""
    book = spreadsheet.workbook()
    sheet = spreadsheet.Sheet(book, "Breach register", _headers())
    for item in entries(user):
        sheet.append(item[c.key] for c in COLUMNS)
    sheet.close()
    book.save(stream)
    return sheet.rows


def pdf_bytes(user: Any) -> tuple[bytes, int]:
    """The register as a printable document: one section per breach, every column as a line."""
    sections = []
    for item in entries(user):
        lines = [f"- **{c.header}:** {escape(text(item[c.key]))}" for c in COLUMNS[2:]]
        sections.append((f"{item['reference']}: {item['title']}", to_html("\n".join(lines))))
    org = Organisation.current()
    content = pdf("documents/print.html", {
        "title": "Register of personal data breaches (GDPR Art 33(5))", "organisation": org.name,
        "generated": times.with_utc(timezone.now()),
        "sections": sections or [("", to_html("No personal data breach is recorded."))]})
    return content, len(sections)


def export(*, fmt: str, user: Any, via: str) -> bytes:
    """The register in one format, and the audit event saying who took it out, how many rows, in what format."""
    with times.pinned():
        content, rows = _content(fmt, user)
    audit.record(action="breach_register.exported", object_type="breach_register", object_id=fmt, by=user,
                 after={"format": fmt, "rows": rows, "via": via},
                 summary=f"Breach register exported as {fmt.upper()} {_VIA.get(via, via)} ({rows} breach(es))")
    return content


def _content(fmt: str, user: Any) -> tuple[bytes, int]:
    if fmt == "pdf":
        content, rows = pdf_bytes(user)
    elif fmt == "xlsx":
        buffer = io.BytesIO()
        rows = write_xlsx(buffer, user)
        content = buffer.getvalue()
    else:
        buffer_text = io.StringIO()
        rows = write_csv(buffer_text, user)
        content = buffer_text.getvalue().encode("utf-8")
    return content, rows
