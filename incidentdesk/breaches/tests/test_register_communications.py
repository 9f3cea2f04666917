"""Per-person (or per-group) tracking of GDPR Art 34: who among the people affected was informed, when, how and
by whom; on the workspace, in the register and the report, through the web form and the API; audited; bad input
refused with a clear sentence and nothing stored."""

from datetime import UTC, datetime, timedelta

import pytest

from conftest import NOW, table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.breaches.communications import CommunicationRefused, record_communication
from incidentdesk.breaches.models import SubjectCommunication

PERSONAL = {"published_externally": False,
            "personal_data": {"involved": True, "lost": ["confidentiality"], "data_categories": ["contact"],
                              "data_subjects": 40}}
DETECTED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def breach(record):
    return record(facts=PERSONAL)


def _post(client, incident, **overrides):
    data = {"informed-recipients": "Newsletter subscribers in Belgium", "informed-people": "38",
            "informed-channel": "email", "informed-informed_at": "2026-11-21T10:30",
            "informed-informed_by": "DPO", "informed-note": "Art 34 letter v1"} | overrides
    return client.post(f"/incidents/{incident.reference}/informed/", data, follow=True)


def test_the_web_form_records_who_was_informed_and_the_audit_log_says_so(breach, as_person, people, time_machine):
    time_machine.move_to(NOW, tick=False)
    response = _post(as_person("responder"), breach)
    assert "Recorded who was informed." in response.content.decode()
    row = SubjectCommunication.objects.get(incident=breach)
    # 10:30 typed in the organisation's zone (Brussels, CET) is 09:30 UTC
    assert row.informed_at == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert (row.recipients, row.people, row.channel, row.informed_by) == (
        "Newsletter subscribers in Belgium", 38, "email", "DPO")
    event = AuditEvent.objects.get(action="breach.subjects_informed")
    assert event.incident_ref == breach.reference
    assert event.actor_id == people["responder"].pk
    page = as_person("viewer").get(f"/incidents/{breach.reference}/").content.decode()
    assert "Informing the people affected (GDPR Art 34)" in page
    assert "Newsletter subscribers in Belgium" in page
    assert "About 40 people are affected; 38 are recorded" in page


def test_the_panel_is_only_on_personal_data_breaches(record, as_person):
    other = record()
    page = as_person("viewer").get(f"/incidents/{other.reference}/").content.decode()
    assert "Informing the people affected" not in page


def test_a_viewer_cannot_record_it(breach, as_person):
    assert _post(as_person("viewer"), breach).status_code == 403
    assert not SubjectCommunication.objects.exists()


REFUSALS = [
    ({"recipients": "  "}, "Say who was informed"),
    ({"people": 0}, "at least 1"),
    ({"channel": "carrier pigeon"}, "Choose how they were informed: email, letter"),
    ({"informed_at": NOW + timedelta(days=1)}, "is in the future"),
    ({"informed_at": DETECTED - timedelta(days=1)}, "is before the incident was detected (2026-11-20 09:00 CET"),
    ({"informed_by": ""}, "Say who informed them"),
    ({"recipients": "x" * 301}, "under 300 characters"),
]


@pytest.mark.parametrize(("bad", "message"), REFUSALS)
def test_bad_input_is_refused_with_a_sentence_and_nothing_is_stored(breach, manager, bad, message):
    before = table_counts()
    values = {"recipients": "Subscribers", "people": 3, "channel": "email",
              "informed_at": DETECTED + timedelta(hours=2), "informed_by": "DPO"} | bad
    with pytest.raises(CommunicationRefused, match=message.replace("(", r"\(")):
        record_communication(incident=breach, by=manager, now=NOW, **values)
    assert table_counts() == before


def test_an_incident_that_is_no_personal_data_breach_is_refused(record, manager):
    other = record()
    with pytest.raises(CommunicationRefused, match="not recorded as a personal data breach"):
        record_communication(incident=other, recipients="Everyone", channel="email", informed_at=DETECTED,
                             informed_by="DPO", by=manager, now=NOW)


def test_the_web_form_shows_the_refusal_and_stores_nothing(breach, as_person, time_machine):
    time_machine.move_to(NOW, tick=False)
    before = table_counts()
    page = _post(as_person("manager"), breach, **{"informed-informed_at": "2026-11-19T10:00"}).content.decode()
    assert "Nothing was saved. The time they were informed" in page
    assert "before the incident was detected" in page
    assert table_counts() == before


def test_the_api_records_and_lists_and_refuses_in_plain_words(breach, client, people, time_machine):
    from incidentdesk.accounts.tokens import create_token

    time_machine.move_to(NOW, tick=False)
    _, token = create_token(user=people["responder"], name="t", scopes=["read", "write"], by=None)
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/incidents/{breach.reference}/subject-communications"
    body = {"recipients": "Subscribers", "people": 40, "channel": "letter", "informed_at": "2026-11-21T10:00:00+01:00",
            "informed_by": "DPO"}
    created = client.post(url, body, content_type="application/json", headers=auth)
    assert created.status_code == 201, created.content
    assert created.json()["informed_at"] == "2026-11-21T09:00:00Z"
    assert [r["recipients"] for r in client.get(url, headers=auth).json()] == ["Subscribers"]
    before = table_counts()
    refused = client.post(url, body | {"informed_at": "2026-11-25T10:00:00+01:00"}, content_type="application/json",
                          headers=auth)
    assert refused.status_code == 422
    assert "is in the future" in refused.json()["detail"]
    assert table_counts() == before


def test_a_closed_incident_takes_no_new_record(people, time_machine, evidence_dir):
    from incidentdesk.documents.tests import hr_case
    from incidentdesk.incidents.lock import IncidentClosed

    closed = hr_case.build(people, time_machine)
    before = table_counts()
    with pytest.raises(IncidentClosed):
        record_communication(incident=closed, recipients="One more applicant", channel="phone",
                             informed_at=hr_case.T0 + timedelta(days=9), informed_by="DPO", by=people["manager"])
    assert table_counts() == before


def _values(**bad):
    return {"recipients": "Subscribers", "people": 3, "channel": "email",
            "informed_at": DETECTED + timedelta(hours=2), "informed_by": "DPO"} | bad


def test_more_people_informed_than_affected_is_refused_with_both_numbers(breach, manager):
    before = table_counts()
    with pytest.raises(CommunicationRefused, match="40 people are affected; you recorded 5,000 as informed"):
        record_communication(incident=breach, by=manager, now=NOW, **_values(people=5000))
    assert table_counts() == before
    record_communication(incident=breach, by=manager, now=NOW, **_values(people=30))
    with pytest.raises(CommunicationRefused, match=r"you recorded 11 as informed \(30 already recorded, so 41 in all"):
        record_communication(incident=breach, by=manager, now=NOW, **_values(people=11))
    record_communication(incident=breach, by=manager, now=NOW, **_values(people=10))  # exactly all 40: fine
    record_communication(incident=breach, by=manager, now=NOW, **_values(people=None))  # a number not known: fine
    assert SubjectCommunication.objects.count() == 3


def test_a_huge_number_is_too_large_not_below_one(record, manager):
    unknown_size = record(facts={"personal_data": {"involved": True, "lost": ["confidentiality"]}})
    before = table_counts()
    with pytest.raises(CommunicationRefused, match=r"\(99,999,999,999\) is too large"):
        record_communication(incident=unknown_size, by=manager, now=NOW, **_values(people=99_999_999_999))
    assert table_counts() == before


def test_a_refused_web_form_keeps_what_was_typed(breach, as_person, time_machine):
    time_machine.move_to(NOW, tick=False)
    before = table_counts()
    response = _post(as_person("manager"), breach, **{"informed-people": "5000",
                                                      "informed-recipients": "Applicants rejected in March"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "40 people are affected; you recorded 5,000 as informed" in page
    assert 'value="Applicants rejected in March"' in page
    assert 'value="5000"' in page
    assert "<details open>" in page
    assert table_counts() == before


def test_the_register_says_0_of_about_when_nobody_is_informed_yet(breach, as_person):
    page = as_person("manager").get("/breaches/").content.decode()
    assert "0 of about 40" in page
    assert "— of about" not in page
