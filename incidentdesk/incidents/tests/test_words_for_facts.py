"""Facts read in the vocabulary's words everywhere a person meets them: forms, preview, workspace, errors."""

from datetime import UTC, datetime

import pytest
import time_machine

from conftest import NOW, table_counts
from incidentdesk.incidents.services import IncidentRefused

GOOD = {"title": "HR screener rejected older applicants", "description": "", "detected_at": "2026-11-20T09:00",
        "tool": "HR screener", "personal_data": "yes", "published_externally": "no"}


def test_a_future_detection_time_is_named_and_shown_in_the_organisation_time(record):
    before = table_counts()
    with pytest.raises(IncidentRefused) as refused:
        record(detected_at=datetime(2027, 6, 1, 8, 0, tzinfo=UTC))
    assert str(refused.value) == "The detection time (1 June 2027 10:00 CEST) lies in the future"
    assert table_counts() == before


def test_a_wrong_number_is_refused_with_the_fact_label(record):
    before = table_counts()
    with pytest.raises(IncidentRefused, match=r"^Number of people affected: must be 0 or more$"):
        record(facts={"personal_data": {"involved": True, "data_subjects": -1}})
    assert table_counts() == before


def test_the_preview_lists_what_is_unknown_in_words_with_the_tool_named(as_person):
    with time_machine.travel(NOW, tick=False):
        page = as_person("responder").post("/incidents/record/preview/", GOOD).content.decode()
    assert "Is the tool a high-risk AI system? (tool: HR screener)" in page
    assert "Was the encryption key compromised?" in page
    assert "tools[0]" not in page
    assert "personal_data." not in page


def test_the_edit_form_asks_each_fact_in_words_with_why(record, as_person):
    incident = record()
    page = as_person("manager").get(f"/incidents/{incident.reference}/edit/").content.decode()
    assert "Was the encryption key compromised?" in page
    assert "Why we ask: GDPR Art 33(3)(a): the approximate number of data subjects concerned." in page
    assert "Bias or discrimination" in page
    assert "Confidentiality (disclosed or accessed)" in page
    for auto_label in ("Key compromised", "Bias discrimination", "Ip copyright"):
        assert auto_label not in page


def test_the_workspace_shows_facts_and_reasons_in_words(record, as_person):
    incident = record(categories=["bias_discrimination"],
                      facts={"published_externally": True, "personal_data": {"involved": True, "lost": ["integrity"]},
                             "harm": {"death": False}})
    page = as_person("administrator").get(f"/incidents/{incident.reference}/").content.decode()
    assert "<th scope=\"row\">Was the output published outside the organisation?</th><td>Yes</td>" in page
    assert "<th scope=\"row\">What was lost</th><td>Integrity (altered)</td>" in page
    assert "<th scope=\"row\">Did it lead to a person&#x27;s death?</th><td>No</td>" in page
    assert "Bias or discrimination" in page
    assert "Was the encryption key compromised?" in page  # still unknown
    assert "published_externally" not in page
    assert "Is personal data involved? Yes" in page  # the severity reason


def test_a_future_detection_time_is_shown_beside_its_field(as_person):
    with time_machine.travel(NOW, tick=False):
        response = as_person("responder").post("/incidents/record/", GOOD | {"detected_at": "2027-06-01T10:00"})
    page = response.content.decode()
    assert response.status_code == 400
    beside = page.split('id="id_detected_at_help"')[1][:400]
    assert "The detection time (1 June 2027 10:00 CEST) lies in the future" in beside


def test_a_refused_fact_lands_beside_the_field_with_that_label(record, as_person):
    incident = record()
    response = as_person("manager").post(f"/incidents/{incident.reference}/edit/", {
        "title": incident.title, "description": incident.description, "detection_source": "own_observation",
        "detected_at": "2026-11-20T09:00", "personal_data__involved": "yes", "personal_data__data_categories": "aliens"})
    page = response.content.decode()
    assert response.status_code == 400
    beside = page.split('id="id_personal_data__data_categories_help"')[1][:300]
    # The form offers only the categories the rules know (a choice list), so the refusal is the choice's.
    assert "aliens is not one of the available choices" in beside


def test_the_facts_errors_name_each_fact_in_words():
    from incidentdesk.incidents.facts import FactsRefused, build

    payload = {"detected_at": "2026-11-20T09:00:00+01:00",
               "tools": [{"name": "HR screener", "high_risk": "maybe"}],
               "personal_data": {"recipient": "neighbour"}, "harm": {"deth": True}}
    with pytest.raises(FactsRefused) as refused:
        build(payload)
    message = str(refused.value)
    assert "Is the tool a high-risk AI system? (tool: HR screener): answer yes, no or unknown" in message
    assert "Who received the data: choose one of: A trusted recipient (trusted), " in message
    assert "'harm.deth' is not a fact IncidentDesk knows" in message
    assert "tools[0]" not in message
