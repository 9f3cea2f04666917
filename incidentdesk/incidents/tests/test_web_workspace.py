"""The workspace's actions: classify with reasoning, actions, GDPR decision, edits that recompute."""

from conftest import table_counts
from incidentdesk.incidents.models import Incident


def test_classifying_definitively_records_the_reasoning(as_person, record):
    incident = record()
    client = as_person("manager")
    client.post(f"/incidents/{incident.reference}/classify/", {"classify-level": "3", "classify-reasoning": "Client data affected"})
    incident.refresh_from_db()
    assert incident.severity_level == 3
    assert incident.classified_at is not None
    assert incident.severity_reasoning == "Client data affected"


def test_classifying_without_reasoning_is_refused_and_changes_nothing(as_person, record):
    incident = record()
    before = table_counts()
    client = as_person("manager")
    response = client.post(f"/incidents/{incident.reference}/classify/", {"classify-level": "1", "classify-reasoning": ""}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert table_counts() == before
    incident.refresh_from_db()
    assert incident.classified_at is None


def test_editing_facts_recomputes_severity_and_logs_the_change(as_person, record):
    incident = record()
    client = as_person("responder")
    form = client.get(f"/incidents/{incident.reference}/edit/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, list)}
    data |= {"detected_at": "2026-11-20T09:00", "harm__death": "yes"}
    response = client.post(f"/incidents/{incident.reference}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident.refresh_from_db()
    assert incident.severity_level == 4
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert "Changed " in page  # the Activity tells the change in words (documents.timeline)


def test_an_edit_that_makes_occurrence_follow_detection_is_refused_on_the_field(as_person, record):
    incident = record()
    client = as_person("responder")
    before = table_counts()
    form = client.get(f"/incidents/{incident.reference}/edit/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, list)}
    data |= {"detected_at": "2026-11-20T09:00", "occurred_at": "2026-11-21T09:00"}
    response = client.post(f"/incidents/{incident.reference}/edit/", data)
    assert response.status_code == 400
    assert "cannot be detected before it happens" in response.content.decode()
    assert table_counts() == before


def test_the_workspace_shows_the_clocks_checklist_and_activity(as_person, record):
    incident = record()
    page = as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    assert 'id="clocks"' in page
    assert "section 6 &#x27;Response workflow&#x27;, step 3 &#x27;Classify&#x27;" in page
    assert "Detect and record" in page
    assert "Learn and adapt" in page
    assert f"recorded the incident \u201c{incident.title}\u201d" in page
    assert "Classify definitively" not in page  # a viewer sees no edit controls


def test_a_restricted_incident_is_invisible_to_someone_not_named(as_person, record, people):
    from incidentdesk.incidents.access import restrict

    incident = record(title="Disciplinary matter")
    restrict(incident=incident, restricted=True, people=[people["responder"]], by=people["manager"])
    assert as_person("viewer").get(f"/incidents/{incident.reference}/").status_code == 404
    assert "Disciplinary" not in as_person("administrator").get("/incidents/").content.decode()
    assert as_person("responder").get(f"/incidents/{incident.reference}/").status_code == 200
    assert Incident.objects.filter(restricted=True).count() == 1
