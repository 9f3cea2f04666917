"""The incident report for an auditor, as PDF and DOCX, with the evidence hashes."""

import io
import zipfile

import pytest

pytestmark = pytest.mark.usefixtures("evidence_dir")  # conftest.py: evidence in a folder per test


def test_the_report_carries_obligations_and_evidence_hashes(as_person, record, manager):
    from incidentdesk.evidence.services import add_evidence

    incident = record()
    evidence = add_evidence(incident=incident, stream=io.BytesIO(b"log line\n"), name="chat.log", by=manager)
    client = as_person("auditor")
    docx = client.get(f"/incidents/{incident.reference}/report.docx")
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        text = archive.read("word/document.xml").decode()
    assert evidence.sha256 in text
    assert "Obligations and how each was met" in text
    assert "not required" in text
    pdf = client.get(f"/incidents/{incident.reference}/report.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == f'attachment; filename="{incident.reference}-report.pdf"'


def test_the_report_says_how_each_obligation_was_settled(as_person, record, manager):
    """An auditor reads who settled a clock by hand and why, not only that it is done."""
    from incidentdesk.documents.report import sections
    from incidentdesk.obligations import services as obligations

    incident = record(tools=["Copy.ai"])
    row = obligations.obligation_of(incident, "PROC-4-L2-INVENTORY")
    obligations.settle(obligation=row, reason="Not applicable because the tool was used once, on a trial",
                       by=manager)
    assert "settled by hand: Not applicable because the tool was used once, on a trial" in dict(sections(incident))["Obligations and how each was met"]
