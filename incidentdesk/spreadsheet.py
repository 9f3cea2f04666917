"""Spreadsheets people open: typed cells, readable headers, a frozen header row with filters.

Shared by the register export and the breach register. openpyxl's write-only mode keeps memory flat on a
large register; in that mode the frozen pane and column widths must be set before the first row and the
filter range after the last, which ``Sheet`` does. Times arrive aware and leave as naive local time to the
second (a cell holds no zone), and the header says which zone: "Detected (Europe/Brussels)".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from incidentdesk import times

DATE_TIME = "yyyy-mm-dd hh:mm"
DATE = "yyyy-mm-dd"
#: Characters a spreadsheet would read as the start of a formula: such text is quoted (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet will show, never run."""
    return "'" + value if value[:1] in FORMULA_START else value


def zone_header(header: str) -> str:
    """A time column's header names the zone its cells are in."""
    return f"{header} ({times.zone_name()})"


class Sheet:
    """One sheet of a write-only workbook: header row, typed rows, then the filter over all of them."""

    def __init__(self, book: Workbook, title: str, headers: Sequence[str], widths: Sequence[int] | None = None):
        self.sheet = book.create_sheet(title[:31])
        self.width = len(headers)
        self.rows = 0
        self.sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            wide = widths[index - 1] if widths else min(max(len(header) + 2, 12), 40)
            self.sheet.column_dimensions[get_column_letter(index)].width = wide
        bold = Font(bold=True)
        cells = []
        for header in headers:
            cell = WriteOnlyCell(self.sheet, value=header)
            cell.font = bold
            cells.append(cell)
        self.sheet.append(cells)

    def append(self, values: Iterable[Any]) -> None:
        self.sheet.append([self._cell(v) for v in values])
        self.rows += 1

    def _cell(self, value: Any) -> Any:
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self.sheet, value=times.spreadsheet(value))
            cell.number_format = DATE_TIME
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = DATE
            return cell
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        if isinstance(value, str):
            cell = WriteOnlyCell(self.sheet, value=safe_text(value))
            if "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            return cell
        return value

    def close(self) -> None:
        """The filter covers the header and every row written."""
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.rows + 1}"


def workbook() -> Workbook:
    return Workbook(write_only=True)
