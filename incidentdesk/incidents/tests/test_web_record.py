"""Recording through the quick form: live provisional severity, clear messages, nothing stored on error."""

from conftest import table_counts
from incidentdesk.incidents.models import Incident

GOOD = {"title": "Chatbot leaked a client's email address", "description": "", "detected_at": "2026-11-20T09:00",
        "tool": "Website chatbot", "personal_data": "yes", "published_externally": "no"}


def test_the_quick_form_records_an_incident_and_opens_its_workspace(as_person):
    client = as_person("responder")
    response = client.post("/incidents/record/", GOOD)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.reference}/"
    assert incident.facts["personal_data"] == {"involved": True}
    assert incident.severity_level == 3
    assert [t.name for t in incident.tools.all()] == ["Website chatbot"]
    assert incident.tools.get().outside_inventory


def test_a_missing_title_is_shown_next_to_the_field_and_nothing_is_stored(as_person):
    client = as_person("responder")
    before = table_counts()
    response = client.post("/incidents/record/", GOOD | {"title": ""})
    assert response.status_code == 400
    assert 'id="id_title_help"' in response.content.decode()
    assert "This field is required." in response.content.decode().split('id="id_title_help"')[1][:300]
    assert table_counts() == before


def test_a_detection_time_in_the_future_is_refused_on_its_field(as_person):
    client = as_person("responder")
    before = table_counts()
    response = client.post("/incidents/record/", GOOD | {"detected_at": "2099-01-01T09:00"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "lies in the future" in page
    assert table_counts() == before


def test_an_impossible_date_is_refused(as_person):
    before = table_counts()
    response = as_person("responder").post("/incidents/record/", GOOD | {"detected_at": "2026-02-30T09:00"})
    assert response.status_code == 400
    assert "Enter a valid date/time." in response.content.decode()
    assert table_counts() == before


def test_the_preview_shows_the_provisional_level_and_clocks_without_storing(as_person):
    before = table_counts()
    response = as_person("responder").post("/incidents/record/preview/", GOOD)
    page = response.content.decode()
    assert 'id="preview-level">3<' in page
    assert "GDPR Art 33" in page
    assert table_counts() == before


def test_the_preview_raises_the_level_when_in_doubt(as_person):
    page = as_person("responder").post("/incidents/record/preview/", GOOD | {"published_externally": "",
                                                                           "personal_data": "no"}).content.decode()
    assert 'id="preview-level">2<' in page
    assert "in doubt" in page


def test_a_reporter_sees_only_their_own_reports(as_person, record, people):
    record(title="Someone else's incident")
    client = as_person("reporter")
    client.post("/incidents/record/", GOOD)
    page = client.get("/incidents/").content.decode()
    assert "Chatbot leaked" in page
    assert "Someone else" not in page
