"""Spreadsheets people open: typed cells, readable headers, a frozen header row with filters.

Shared by the register export and the breach register. The workbook is written as its XML directly (decision
265): openpyxl spent ~140 µs a cell building cell objects and styles on this machine, 3.7-7.7 s for a filtered
register page of 672 incidents and its sheets; the same file written here costs a few µs a cell. Each sheet's
rows go to a spooled temporary file, so memory stays flat on a large register. Times arrive aware and leave as
naive local time to the second (a cell holds no zone), and the header says which zone:
"Detected (Europe/Brussels)". Five cell styles only: plain, bold header, date-time, date, wrapped text.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from incidentdesk import times

DATE_TIME = "yyyy-mm-dd hh:mm"
DATE = "yyyy-mm-dd"
#: Characters a spreadsheet would read as the start of a formula: such text is quoted (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters XML 1.0 cannot hold (openpyxl refused them; here they are dropped rather than failing the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Cell style numbers (``s=``), in the order of ``_STYLES``' cellXfs.
_BOLD, _DATE_TIME, _DATE, _WRAP = 1, 2, 3, 4


def safe_text(value: str) -> str:
    """Text that a spreadsheet will show, never run."""
    return "'" + value if value[:1] in FORMULA_START else value


def zone_header(header: str) -> str:
    """A time column's header names the zone its cells are in."""
    return f"{header} ({times.zone_name()})"


def _text(value: str, style: int = 0) -> str:
    text = escape(_NOT_XML.sub("", value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{styled}><is><t{space}>{text}</t></is></c>'


class Sheet:
    """One sheet of a workbook: header row, typed rows, then the filter over all of them."""

    def __init__(self, book: Workbook, title: str, headers: Sequence[str], widths: Sequence[int] | None = None):
        self.title = title[:31]
        self.width = len(headers)
        self.rows = 0
        self.widths = [widths[i] if widths else min(max(len(h) + 2, 12), 40) for i, h in enumerate(headers)]
        self.body: IO[str] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+",  # noqa: SIM115
                                                           encoding="utf-8")  # closed by xml()
        self.body.write("<row>" + "".join(_text(str(h), _BOLD) for h in headers) + "</row>")
        book.sheets.append(self)

    def append(self, values: Iterable[Any]) -> None:
        self.body.write("<row>" + "".join(self._cell(v) for v in values) + "</row>")
        self.rows += 1

    def _cell(self, value: Any) -> str:
        if value is None:
            return "<c/>"
        if isinstance(value, datetime):
            return f'<c s="{_DATE_TIME}"><v>{to_excel(times.spreadsheet(value))}</v></c>'
        if isinstance(value, date):
            return f'<c s="{_DATE}"><v>{to_excel(value)}</v></c>'
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        if isinstance(value, str):
            return _text(safe_text(value), _WRAP if "\n" in value else 0) if value else "<c/>"
        if isinstance(value, bool):
            return f'<c t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f"<c><v>{value}</v></c>"
        return _text(str(value))

    def close(self) -> None:
        """Nothing left to do: the filter is written with the sheet (it covers the header and every row)."""

    def xml(self) -> Iterable[str]:
        last = f"{get_column_letter(self.width)}{self.rows + 1}"
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
               'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
               '<sheetFormatPr defaultRowHeight="15"/><cols>'
               + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                         for i, w in enumerate(self.widths, start=1))
               + "</cols><sheetData>")
        self.body.seek(0)
        while chunk := self.body.read(1024 * 1024):
            yield chunk
        yield f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'
        self.body.close()


_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_TIME}"/>'
           f'<numFmt numFmtId="165" formatCode="{DATE}"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
           '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


class Workbook:
    """The sheets of one file, written as Office Open XML (what Excel, LibreOffice and openpyxl read)."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []

    def save(self, stream: IO[bytes]) -> None:
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        package = "http://schemas.openxmlformats.org/package/2006"
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        n = range(1, len(self.sheets) + 1)
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", head + f'<Types xmlns="{package}/content-types">'
                             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                             'officedocument.spreadsheetml.sheet.main+xml"/>'
                             '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                             'officedocument.spreadsheetml.styles+xml"/>'
                             + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
                                       for i in n) + "</Types>")
            archive.writestr("_rels/.rels", head + f'<Relationships xmlns="{package}/relationships">'
                             f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                             "</Relationships>")
            archive.writestr("xl/workbook.xml", head + f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                             + "".join(f'<sheet name="{escape(s.title, {chr(34): "&quot;"})}" sheetId="{i}" '
                                       f'r:id="rId{i}"/>' for i, s in zip(n, self.sheets, strict=True))
                             + "</sheets><definedNames>"
                             + "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i - 1}" '
                                       f'hidden="1">\'{escape(s.title.replace(chr(39), chr(39) * 2))}\'!'
                                       f'$A$1:${get_column_letter(s.width)}${s.rows + 1}</definedName>'
                                       for i, s in zip(n, self.sheets, strict=True))
                             + "</definedNames></workbook>")
            archive.writestr("xl/_rels/workbook.xml.rels", head + f'<Relationships xmlns="{package}/relationships">'
                             + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" '
                                       f'Target="worksheets/sheet{i}.xml"/>' for i in n)
                             + f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{rel}/styles" '
                             'Target="styles.xml"/></Relationships>')
            archive.writestr("xl/styles.xml", _STYLES)
            for i, sheet in zip(n, self.sheets, strict=True):
                with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                    for chunk in sheet.xml():
                        part.write(chunk.encode("utf-8"))


def workbook() -> Workbook:
    return Workbook()
