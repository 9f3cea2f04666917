"""The incident report an auditor can rely on (issue 12, "what to build" 4): each item is checked in the report of
the closed HR case, in the web page, the PDF and DOCX, and from the CLI and the API with the same times."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from incidentdesk.assessment.categories import label as category_label
from incidentdesk.audit.models import AuditEvent
from incidentdesk.documents import timeline
from incidentdesk.documents.report import sections
from incidentdesk.documents.tests import hr_case

pytestmark = pytest.mark.usefixtures("evidence_dir")


@pytest.fixture
def closed(people, time_machine):
    return hr_case.build(people, time_machine)


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


#: Each item of the issue and the words that prove it is in the report, section by section.
ITEMS = {
    "Register entry": [
        "**Reference:** INC-2026-001", "**Detected:** 2026-11-09 07:52 CET (06:52 UTC) (Own observation)",
        "**AI tools:** HireScreen", "**Categories of personal data:** " + ", ".join(category_label(c) for c in ("identity", "professional")),
        "**Affected parties:** About 120 job applicants aged over 50", "**Actions taken and dates:** 2026-11-09 08:12 CET",
        "reference GBA-2026-0417", "**Outcome of the root-cause analysis:** Why: " + hr_case.WHY,
        "Section 4: every screening model passes a bias test before use"],
    "Severity and its reasoning": [
        "Level **3**, classified definitively 2026-11-09 09:52 CET (08:52 UTC)",
        "Reasoning: Automated rejections of about 120 people by age", "History of the level:",
        "Provisional (computed at recording), level 3", "Definitive classification, level 3 (computed 3), by p-manager"],
    "Obligations and how each was met": [
        "**Notify the supervisory authority of the personal data breach**",
        "**done 2026-11-10 12:52 CET (11:52 UTC)**, met by the act: Notification sent",
        "**not required** — Does not apply"],
    "GDPR breach assessment and decision": [
        "**Recommendation:** Notify the supervisory authority",
        "**Decision:** Notify the supervisory authority; inform the people affected",
        "**Reasons for the decision:** " + hr_case.DECISION, "**Decided by:** p-manager",
        "**Decided:** 2026-11-09 09:52 CET (08:52 UTC)"],
    "Notifications sent": ["reference **GBA-2026-0417**", "(GDPR Art 33(1), 33(3), 33(4))"],
    "People affected who were informed (GDPR Art 34)": [
        "120 people recorded as informed, of about 120 affected",
        "The rejected applicants aged over 50 (118 people), by email, informed by DPO"],
    "Containment and actions taken": ["Stop the operation by HR lead: Screening switched off"],
    "Root-cause analysis": ["**Contributing factors:** " + hr_case.FACTORS, "**Why it happened:** " + hr_case.WHY,
                            "Rejected by age → Model learnt it from past hires", "**Completed:** 2026-11-12"],
    "Corrective and preventive actions": ["Effectiveness check (method): " + hr_case.METHOD,
                                          "Result: " + hr_case.RESULT, "**Verified effective**"],
    "Lessons learned and the changes they made": [
        "Screening models need a bias test — **Accepted**",
        "AI usage policy changed on 2026-11-12: " + hr_case.LESSON_CHANGE],
    "Evidence and its chain of custody": ["**rejections.csv**", "SHA-256 `", "viewed / downloaded by p-auditor"],
    "Closure": ["Closed 2026-11-19 07:52 CET (06:52 UTC) by p-manager."],
    "Timeline (audit log)": ["Status changed from Resolved to Closed", "Changed Number of people affected: 100 → 120",
                 "Classified definitively at level 3", "GDPR decision: notify the supervisory authority: yes",
                 "Audit log at the time of this report: event #"],
}


@pytest.mark.parametrize("section", list(ITEMS))
def test_each_item_is_in_its_section(closed, section):
    text = dict(sections(closed))[section]
    for words in ITEMS[section]:
        assert words.replace("_", "\\_") in text or words in text, f"{section}: {words!r}"


def test_the_timeline_has_no_raw_event_codes(closed):
    text = dict(sections(closed))["Timeline (audit log)"]
    for code in ("incident.transition", "obligations.recomputed", "breach.decided", "incident.updated", '{"'):
        assert code not in text


def test_a_run_of_recomputations_is_one_line(closed):
    """Seven "obligations.recomputed" in a row read as one "Clocks updated" line with the net change."""
    events = [AuditEvent(seq=n, at=datetime(2026, 11, 9, 8, n, tzinfo=UTC), actor_name="system",
                         action="obligations.recomputed", object_type="incident", object_id="1",
                         data=json.dumps({"before": {"GDPR-33-1-SA": {"status": "pending" if n == 1 else "done"}},
                                          "after": {"GDPR-33-1-SA": {"status": "done"}}, "summary": ""}))
              for n in range(1, 8)]
    lines = timeline.lines(closed, events)
    assert [line.text for line in lines] == [
        "Clocks updated: Notify the supervisory authority of the personal data breach: open → done"]


def test_an_unknown_event_keeps_its_sentence(record):
    event = AuditEvent(seq=1, at=datetime(2026, 11, 9, 8, 0, tzinfo=UTC), actor_name="ana", action="future.thing",
                       object_type="x", object_id="1", data=json.dumps({"summary": "Did a future thing"}))
    assert [line.text for line in timeline.lines(record(), [event])] == ["Did a future thing"]


def test_the_web_page_pdf_and_docx_carry_the_same_report(closed, as_person):
    client = as_person("auditor")
    page = client.get(f"/incidents/{closed.reference}/report/").content.decode()
    assert "GDPR breach assessment and decision" in page
    assert hr_case.FACTORS in page
    assert "2026-11-09 07:52 CET (06:52 UTC)" in page
    docx = _docx_text(client.get(f"/incidents/{closed.reference}/report.docx").content)
    assert hr_case.METHOD in docx
    assert "Closed 2026-11-19 07:52 CET (06:52 UTC) by p-manager." in docx
    assert client.get(f"/incidents/{closed.reference}/report.pdf").content.startswith(b"%PDF")
    assert f'href="/incidents/{closed.reference}/report/"' in client.get(f"/incidents/{closed.reference}/").content.decode()


def test_the_cli_report_shows_local_time_with_utc_beside_it(closed, cli_user, tmp_path):
    """The bug: the CLI printed "06:52 UTC (06:52 UTC)" where the web showed "07:52 CET (06:52 UTC)"."""
    output = tmp_path / "report.docx"
    call_command("incidentdesk", "report", closed.reference, "--output", str(output))
    text = _docx_text(output.read_bytes())
    assert "2026-11-09 07:52 CET (06:52 UTC)" in text
    assert "06:52 UTC (06:52 UTC)" not in text
    event = AuditEvent.objects.filter(action="report.exported").latest("seq")
    assert json.loads(event.data)["after"] == {"format": "docx", "via": "cli"}


def test_the_api_report_shows_the_same_times(closed, client, people):
    from incidentdesk.accounts.tokens import create_token

    _, token = create_token(user=people["auditor"], name="t", scopes=["read"], by=None)
    response = client.get(f"/api/incidents/{closed.reference}/report/docx", headers={"Authorization": f"Bearer {token}"})
    text = _docx_text(response.content)
    assert "2026-11-09 07:52 CET (06:52 UTC)" in text
    assert "06:52 UTC (06:52 UTC)" not in text


def test_utc_beside_local_time_names_the_utc_date_when_it_differs(organisation):
    from incidentdesk import times

    assert times.with_utc(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2026-07-02 01:30 CEST (2026-07-01 23:30 UTC)"
    assert times.with_utc(None) == "—"


def test_an_organisation_in_utc_reads_each_time_once(organisation):
    from incidentdesk import times

    organisation.time_zone = "UTC"
    organisation.save()
    assert times.with_utc(datetime(2026, 11, 9, 6, 52, tzinfo=UTC)) == "2026-11-09 06:52 UTC"


def test_an_open_incident_says_it_is_not_closed(record):
    incident = record(detected_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC) - timedelta(hours=1))
    assert dict(sections(incident))["Closure"] == "Not closed: the incident is detected."
    assert dict(sections(incident))["GDPR breach assessment and decision"].startswith("No personal data breach")
