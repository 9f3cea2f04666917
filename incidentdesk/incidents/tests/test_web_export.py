"""Exporting the current filter of the register as CSV and XLSX."""

import csv
import io

from openpyxl import load_workbook


def test_csv_export_follows_the_filter(as_person, record):
    record(title="Chatbot invented a refund policy")
    record(title="Résumé screening ranked women lower")
    response = as_person("viewer").get("/incidents/export.csv", {"q": "screening"})
    assert response["Content-Disposition"].startswith('attachment; filename="incident-register-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["Title"] for r in rows] == ["Résumé screening ranked women lower"]


def test_xlsx_export_has_the_register_fields(as_person, record):
    incident = record()
    response = as_person("viewer").get("/incidents/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Incidents"]
    header, first = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[:3] == ["Reference", "Title", "Status"]
    assert first[0] == incident.reference


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(as_person, record):
    record(title="=HYPERLINK(\"http://evil.example\")")
    response = as_person("viewer").get("/incidents/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
