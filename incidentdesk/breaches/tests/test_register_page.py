"""The breach register (GDPR Art 33(5)): every personal data breach, notified or not, with what a supervisory
authority asks to see; each item is checked on the page, the API and the exports."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from incidentdesk.audit.models import AuditEvent
from incidentdesk.documents.tests import hr_case

pytestmark = pytest.mark.usefixtures("evidence_dir")

UNNOTIFIED = {"published_externally": False,
              "personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["contact"],
                                "data_subjects": 1}}


@pytest.fixture
def world(people, time_machine, record):
    """The HR case (notified, applicants informed), a breach decided not to notify, and an incident without
    personal data, which is no breach and stays out of the register."""
    from incidentdesk.breaches.services import decide_breach

    closed = hr_case.build(people, time_machine)
    time_machine.move_to(hr_case.T0 + timedelta(days=11), tick=False)
    quiet = record(title="Email sent to the wrong client", detected_at=hr_case.T0 + timedelta(days=11),
                   now=hr_case.T0 + timedelta(days=11), facts=UNNOTIFIED)
    decide_breach(incident=quiet, notify_authority=False, communicate_subjects=False,
                  reasons="One contact address, recalled within the hour", by=people["manager"])
    other = record(title="Chatbot invented a refund policy", detected_at=hr_case.T0 + timedelta(days=11),
                   now=hr_case.T0 + timedelta(days=11))
    return {"closed": closed, "quiet": quiet, "other": other}


#: What the register must show for the HR case, item by item (issue 12, "what to build" 3).
HR_ITEMS = {
    "facts: when": "2026-11-09 07:52 CET (06:52 UTC)",
    "facts: what": "rejected about 120 applicants aged over 50",
    "facts: categories of data": "Identity data (date of birth, ID or passport numbers), Work and employment details",
    "facts: approximate number of people": "120",
    "effects": "About 120 job applicants aged over 50",
    "remedial action": "Stop the operation: Screening switched off",
    "remedial action (corrective)": "Bias test before every model release",
    "recommendation": "Notify the supervisory authority",
    "decision": "Notify the supervisory authority; inform the people affected",
    "decision reasons": hr_case.DECISION,
    "who decided": "p-manager",
    "notification reference": hr_case.SA_REFERENCE,
    "notification date": "2026-11-10 12:52 CET (11:52 UTC)",
    "notified within 72 hours": "Art 33(1) deadline (72 hours) met</th><td>Yes",
    "people informed": "The rejected applicants aged over 50 (118 people), by email, informed by DPO",
    "people informed by letter": "Two applicants without an email address (2 people), by letter",
}


def test_the_page_lists_every_breach_notified_or_not_with_each_item(world, as_person):
    page = as_person("viewer").get("/breaches/").content.decode()
    for item, text in HR_ITEMS.items():
        assert text.replace("\u201c", "&ldquo;") in page or text in page, item
    assert world["quiet"].reference in page
    assert "One contact address, recalled within the hour" in page
    assert "Do not notify the authority" in page
    assert "Not required" in page  # the quiet breach: the decision not to notify switched its clock off
    assert world["other"].reference not in page


def test_the_summary_table_leads_to_each_entry(world, as_person):
    page = as_person("viewer").get("/breaches/").content.decode()
    assert f'<a href="#breach-{world["closed"].reference}">' in page
    assert "120 of about 120" in page


def test_the_register_is_in_the_navigation_for_those_who_may_read_it(world, as_person):
    assert 'href="/breaches/"' in as_person("viewer").get("/").content.decode()
    assert as_person("reporter").get("/breaches/").status_code == 403


def test_a_restricted_breach_is_in_the_register_only_for_the_people_named(world, people, as_person):
    from incidentdesk.incidents import access

    access.restrict(incident=world["quiet"], restricted=True, people=[people["manager"]], by=people["manager"])
    assert world["quiet"].reference not in as_person("viewer").get("/breaches/").content.decode()
    assert world["quiet"].reference in as_person("manager").get("/breaches/").content.decode()
    rows = list(csv.reader(io.StringIO(as_person("viewer").get("/breaches/register.csv").content.decode())))
    assert [r[0] for r in rows[1:]] == [world["closed"].reference]


def test_the_api_gives_the_same_entries(world, client, people):
    from incidentdesk.accounts.tokens import create_token

    _, token = create_token(user=people["auditor"], name="t", scopes=["read"], by=None)
    body = client.get("/api/breaches", headers={"Authorization": f"Bearer {token}"}).json()
    assert body["time_zone"] == "Europe/Brussels"
    entry = next(b for b in body["breaches"] if b["reference"] == world["closed"].reference)
    assert entry["authority_reference"] == hr_case.SA_REFERENCE
    assert entry["decision_reasons"] == hr_case.DECISION
    assert entry["decided_by"] == "p-manager"
    assert entry["first_authority_notification"] == "2026-11-10T11:52:00Z"
    assert entry["people"] == 120
    assert entry["people_informed_count"] == 120
    assert {b["reference"] for b in body["breaches"]} == {world["closed"].reference, world["quiet"].reference}


def test_csv_has_readable_headers_and_each_item(world, as_person):
    response = as_person("auditor").get("/breaches/register.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="breach-register-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    hr = next(r for r in rows if r["Incident"] == world["closed"].reference)
    assert hr["Detected"] == "2026-11-09 07:52 CET (06:52 UTC)"
    assert hr["Supervisory authority's reference"] == hr_case.SA_REFERENCE
    assert hr["Reasons for the decision"] == hr_case.DECISION
    assert hr["Number of people informed"] == "120"
    assert all("_" not in header for header in hr)


def test_xlsx_has_typed_local_times_frozen_header_and_filters(world, as_person):
    book = load_workbook(io.BytesIO(as_person("auditor").get("/breaches/register.xlsx").content))
    sheet = book["Breach register"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)]
    hr = next(r for r in rows if r["Incident"] == world["closed"].reference)
    assert hr["Detected (Europe/Brussels)"] == datetime(2026, 11, 9, 7, 52)
    assert hr["Supervisory authority first notified (Europe/Brussels)"] == datetime(2026, 11, 10, 12, 52)
    assert hr["People affected (approximate)"] == 120
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")


def test_pdf_export_and_every_export_is_on_record(world, as_person, people):
    response = as_person("auditor").get("/breaches/register.pdf")
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="breach_register.exported").get()
    assert event.actor_id == people["auditor"].pk
    assert '"rows":2' in event.data
    assert '"format":"pdf"' in event.data


def test_nothing_recorded_says_so(people, as_person):
    page = as_person("viewer").get("/breaches/").content.decode()
    assert "No personal data breach is recorded." in page


def test_times_follow_the_organisations_zone_not_the_servers(world, as_person, people):
    """Summer time: a breach detected in July shows CEST (UTC+2) beside its UTC time."""
    from incidentdesk.incidents.services import update_incident

    update_incident(incident=world["quiet"], by=people["manager"],
                    changes={"occurred_at": datetime(2026, 7, 1, 10, 0, tzinfo=UTC)},
                    now=hr_case.T0 + timedelta(days=11))
    page = as_person("viewer").get("/breaches/").content.decode()
    assert "2026-07-01 12:00 CEST (10:00 UTC)" in page


def test_a_late_notification_says_how_late_and_that_reasons_are_owed(people, record, time_machine, as_person):
    from incidentdesk.breaches.services import decide_breach
    from incidentdesk.notifications.services import record_notification

    detected = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(detected + timedelta(days=5), tick=False)
    breach = record(detected_at=detected, now=detected + timedelta(days=5), facts=UNNOTIFIED)
    decide_breach(incident=breach, notify_authority=True, communicate_subjects=False, reasons="Contact data leaked",
                  by=people["manager"])
    record_notification(incident=breach, recipient="Belgian DPA", rule_id="GDPR-33-1-SA", channel="portal",
                        sent_at=detected + timedelta(days=4), by=people["manager"], reference="GBA-LATE")
    page = as_person("viewer").get("/breaches/").content.decode()
    assert "No: 24 h 00 min late (Art 33(1) asks for the reasons for the delay)" in page  # against the 72 hours


def test_a_clock_settled_by_hand_counts_as_notified(people, record, time_machine, as_person):
    """Found by review: an Art 33(1) clock settled by hand (the authority's portal) read "Not notified yet"."""
    from incidentdesk.breaches.services import decide_breach
    from incidentdesk.obligations.services import obligation_of, settle

    detected = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(detected + timedelta(days=2), tick=False)
    breach = record(detected_at=detected, now=detected + timedelta(days=2), facts=UNNOTIFIED)
    decide_breach(incident=breach, notify_authority=True, communicate_subjects=False, reasons="Contact data leaked",
                  by=people["manager"])
    settle(obligation=obligation_of(breach, "GDPR-33-1-SA"), reason="Notified through the GBA portal, ref 77",
           by=people["manager"], at=detected + timedelta(days=1))
    page = as_person("viewer").get("/breaches/").content.decode()
    assert "Not notified yet" not in page
    assert "2026-11-03 10:00 CET (09:00 UTC)" in page
