"""Drafts written from the facts: every GDPR Art 33(3) element is filled in or explicitly marked unknown."""

import io
import zipfile

import pytest
import time_machine

from conftest import NOW
from incidentdesk.notifications import services
from incidentdesk.notifications.drafts import words

UNKNOWN = words("en")["meta"]["to_follow"]
ELEMENTS = ["(a) Nature of the breach", "(b) Name and contact details", "(c) Likely consequences",
            "(d) Measures taken or proposed"]


@pytest.fixture(autouse=True)
def frozen_now():
    """Drafts are dated and judged late from the clock: write them at the test's NOW, not today."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def breach(record):
    return record(facts={"published_externally": False, "personal_data": {
        "involved": True, "lost": ["confidentiality"], "data_categories": ["contact", "health"],
        "data_subjects": 40, "records": 120, "recipient": "untrusted", "identifiability": "maximum",
        "malicious": False}})


def test_art_33_draft_has_every_element_filled_or_marked_unknown(breach, manager):
    draft = services.create_draft(incident=breach, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    for element in ELEMENTS:
        assert element in draft.body
    assert "### Approximate number of data subjects concerned\n\n40\n" in draft.body
    assert "health data" in draft.body
    assert "ENISA" not in draft.body  # the score belongs to the internal record, not to the letter
    # The contact point is not in the profile yet: marked, and listed as unknown for a phased notification.
    assert UNKNOWN in draft.body
    assert any(u.startswith("(b)") for u in draft.unknown)
    assert "Article 33(4)" in draft.body


def test_filling_the_profile_fills_the_element(breach, manager, organisation):
    from incidentdesk.organisation.services import save_profile

    save_profile(by=manager, contact_point="Ana Peeters, DPO, dpo@example.org")
    draft = services.create_draft(incident=breach, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    assert "dpo@example.org" in draft.body
    assert not any(u.startswith("(b)") for u in draft.unknown)


def test_an_edit_is_a_new_version_and_sending_completes_the_obligation(breach, manager):
    first = services.create_draft(incident=breach, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    second = services.edit_draft(draft=first, subject=first.subject, body=first.body + "\nAddendum.", by=manager)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert "Addendum" not in first.body
    with pytest.raises(services.DraftRefused, match="not the latest"):
        services.send_draft(draft=first, recipient="Belgian DPA", channel="portal", sent_at=NOW, by=manager, now=NOW)
    services.send_draft(draft=second, recipient="Belgian DPA", channel="portal", sent_at=NOW, by=manager,
                        reference="GBA-2026-1", now=NOW)
    obligation = breach.obligations.get(rule_id="GDPR-33-1-SA")
    assert obligation.completed_at == NOW
    with pytest.raises(services.DraftRefused, match="was sent"):
        services.edit_draft(draft=second, subject="x", body="y", by=manager)


def test_drafts_export_as_pdf_and_docx(as_person, breach, manager):
    draft = services.create_draft(incident=breach, kind="gdpr_34", rule_id="GDPR-34-1-SUBJECTS", by=manager)
    client = as_person("viewer")
    pdf = client.get(f"/incidents/{breach.reference}/drafts/{draft.pk}/pdf")
    assert pdf.content.startswith(b"%PDF")
    docx = client.get(f"/incidents/{breach.reference}/drafts/{draft.pk}/docx")
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert "What happened" in archive.read("word/document.xml").decode()


def test_markdown_in_a_draft_cannot_inject_html(breach, manager):
    from incidentdesk.documents.markdown import to_html

    html = to_html('<script>alert(1)</script> [x](javascript:alert(1)) **bold**')
    assert "<script" not in html
    assert "href=\"javascript" not in html
    assert "<strong>bold</strong>" in html
