"""The history in words names values by their labels, leaves out changes that changed nothing, and says which
draft was written (fixwords, item 3); the report's categories and "Still unknown" read as words (items 3, 4)."""

from datetime import UTC, datetime

import pytest

from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.categories import label as category_label
from incidentdesk.audit import services as audit
from incidentdesk.documents import timeline
from incidentdesk.documents.report import register_entry
from incidentdesk.incidents.services import update_incident

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def incident(record, time_machine):
    time_machine.move_to(NOW, tick=False)
    return record(now=NOW)


def _texts(incident) -> list[str]:
    return [line.text for line in timeline.lines(incident)]


def test_categories_and_data_categories_read_as_their_labels(incident, manager):
    update_incident(incident=incident, by=manager, now=NOW,
                    changes={"categories": ["bias_discrimination", "privacy"], "personal_data.involved": True,
                             "data_classes": ["identity", "professional"]})
    changed = next(text for text in _texts(incident) if text.startswith("Changed "))
    assert "Categories: empty → Bias or discrimination, Privacy" in changed
    assert ("Categories of personal data: unknown → Identity data (date of birth, ID or passport numbers), "
            "Work and employment details") in changed
    assert "bias_discrimination" not in changed
    assert "Personal data:" not in changed


def test_a_change_that_reads_the_same_is_not_listed(incident, manager):
    audit.record(action="incident.updated", object_type="incident", object_id=incident.pk, by=manager,
                 incident_ref=incident.reference,
                 before={"detected_at": "2026-12-01T09:30:00+00:00"},
                 after={"detected_at": "2026-12-01T10:30:00.000001+01:00"})
    assert not [text for text in _texts(incident) if "Detected" in text]


def test_a_draft_written_names_the_draft_its_language_and_version(incident, manager):
    audit.record(action="draft.written", object_type="notificationdraft", object_id=1, by=manager,
                 incident_ref=incident.reference,
                 after={"kind": "gdpr_33", "rule_id": "GDPR-33-1", "version": 2, "subject": "Melding",
                        "language": "nl", "unknown": []})
    assert "Draft written: GDPR Art 33 notification to the supervisory authority (Dutch), version 2" in _texts(
        incident)


def test_the_report_names_categories_by_their_labels(incident, manager):
    update_incident(incident=incident, by=manager, now=NOW, changes={"categories": ["bias_discrimination", "privacy"]})
    incident.refresh_from_db()
    assert "**Categories:** Bias or discrimination, Privacy" in register_entry(incident)


def test_still_unknown_facts_read_as_their_vocabulary_labels():
    for path in ("personal_data.restore_hours", "personal_data.revealing_context", "personal_data.data_categories"):
        assert timeline.fact_label(path) == vocabulary.label(path)
    assert timeline.fact_label("personal_data.restore_hours") != "Personal data: restore hours"


def test_workspace_register_and_report_share_the_data_category_words():
    for name in ("identity", "professional", "contact"):
        assert vocabulary.choice_label("personal_data.data_categories", name) == category_label(name)


def test_workspace_breach_register_and_report_show_the_same_category_words(record, manager, as_person, time_machine):
    """Item 2, as a person sees it: the three pages name the data categories in the same words."""
    import html

    time_machine.move_to(NOW, tick=False)
    incident = record(now=NOW, facts={"published_externally": True, "personal_data": {
        "involved": True, "data_categories": ["identity", "professional"]}})
    words = ["Identity data (date of birth, ID or passport numbers)", "Work and employment details"]
    client = as_person("manager")
    for url in (f"/incidents/{incident.reference}/", "/breaches/", f"/incidents/{incident.reference}/report/"):
        page = html.unescape(client.get(url).content.decode())
        for text in words:
            assert text in page, (url, text)
        assert "Identity documents or numbers" not in page, url
