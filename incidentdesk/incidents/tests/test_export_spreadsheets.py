"""Exports people open in a spreadsheet (issue 12): typed dates in the organisation's time zone, readable headers,
a frozen header row with filters, one sheet per record type in the XLSX, one table in the CSV."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from incidentdesk.documents.tests import hr_case

pytestmark = pytest.mark.usefixtures("evidence_dir")


@pytest.fixture
def closed(people, time_machine):
    return hr_case.build(people, time_machine)


def _book(client):
    response = client.get("/incidents/export.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_the_workbook_has_a_sheet_per_record_type_with_readable_frozen_filtered_headers(closed, as_person):
    book = _book(as_person("viewer"))
    assert book.sheetnames == ["Incidents", "Obligations", "Notifications", "Corrective actions"]
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        assert all(h and "_" not in h for h in header), header  # no field names run together
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}"
        assert sheet.cell(1, 1).font.bold


def test_times_are_datetime_cells_in_the_organisations_zone_without_microseconds(closed, as_person):
    sheet = _book(as_person("viewer"))["Incidents"]
    header = [c.value for c in sheet[1]]
    column = header.index("Detected (Europe/Brussels)") + 1
    cell = sheet.cell(2, column)
    # detected 06:52 UTC on 9 November 2026 is 07:52 in Brussels (CET): a real date-time, naive, local
    assert cell.value == datetime(2026, 11, 9, 7, 52)
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd hh:mm"
    assert cell.value.microsecond == 0


def test_notifications_carry_their_references_and_obligations(closed, as_person):
    sheet = _book(as_person("viewer"))["Notifications"]
    rows = [dict(zip([c.value for c in sheet[1]], [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)]
    authority = next(r for r in rows if r["Their reference"] == hr_case.SA_REFERENCE)
    assert authority["Incident"] == closed.reference
    assert authority["Sent (Europe/Brussels)"] == datetime(2026, 11, 10, 12, 52)
    assert authority["How"] == "Authority web portal"
    assert "GDPR Art 33(1)" in authority["Legal basis"]


def test_obligations_and_corrective_actions_have_their_own_sheets(closed, as_person):
    book = _book(as_person("viewer"))
    obligations = [dict(zip([c.value for c in book["Obligations"][1]], [c.value for c in r], strict=True))
                   for r in book["Obligations"].iter_rows(min_row=2)]
    gdpr = next(r for r in obligations if r["Rule"].startswith("GDPR-33-1-SA"))
    assert gdpr["Status"] == "Done"
    assert gdpr["Regime"] == "GDPR"
    assert gdpr["Done (Europe/Brussels)"] == datetime(2026, 11, 10, 12, 52)
    not_required = next(r for r in obligations if r["Status"] == "Not required")
    assert not_required["How it was met, or why it is not required"]
    actions = [dict(zip([c.value for c in book["Corrective actions"][1]], [c.value for c in r], strict=True))
               for r in book["Corrective actions"].iter_rows(min_row=2)]
    assert actions[0]["How effectiveness is checked"] == hr_case.METHOD
    assert actions[0]["Result of the check"] == hr_case.RESULT
    assert actions[0]["Status"] == "Verified effective"


def test_csv_is_one_table_with_readable_headers_and_local_times(closed, as_person):
    response = as_person("viewer").get("/incidents/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["Reference"] == closed.reference
    assert row["Detected (Europe/Brussels)"] == "2026-11-09 07:52"
    assert row["Status"] == "Closed"
    assert row["Provisional"] == "No"
    assert "reference GBA-2026-0417" in row["Notifications"]
    assert all("_" not in header for header in row)


def test_the_json_export_keeps_the_machine_names_and_utc(closed):
    from incidentdesk.incidents import exports

    out = io.StringIO()
    exports.write(out, "json")
    assert '"detected_at": "2026-11-09T06:52:00Z"' in out.getvalue()


def test_the_export_reads_the_time_zone_once_not_per_cell(record):
    """Each time cell used to look the organisation up again: a query per time, millions on a large register."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from incidentdesk.incidents import exports

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            exports.write_xlsx(io.BytesIO())
            exports.write(io.StringIO(), "csv")
            "".join(exports.stream_csv())
        return len(captured)

    record()
    one = queries()
    for n in range(5):
        record(title=f"Another incident {n}")
    assert queries() == one


def test_the_workbook_reads_the_owners_of_corrective_actions_in_one_query_not_one_per_action(record, people):
    """The corrective-actions sheet shows each action's owner: read per action, 300 actions were 300 queries."""
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from incidentdesk.capa.models import CorrectiveAction
    from incidentdesk.incidents import exports

    incident = record()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            exports.write_xlsx(io.BytesIO())
        return len(captured)

    CorrectiveAction.objects.create(incident=incident, description="First", assignee=people["manager"],
                                    due_on=date(2026, 12, 1))
    one = queries()
    for role in ("viewer", "auditor", "administrator"):
        CorrectiveAction.objects.create(incident=incident, description=f"By {role}", assignee=people[role],
                                        due_on=date(2026, 12, 1))
    assert queries() == one
