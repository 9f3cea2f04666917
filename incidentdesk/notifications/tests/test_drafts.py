"""Drafts written from the facts: every GDPR Art 33(3) element is filled in or explicitly marked unknown."""

import io
import zipfile

import pytest

from conftest import NOW
from incidentdesk.notifications import services
from incidentdesk.notifications.drafts import UNKNOWN

ELEMENTS = ["Art 33(3)(a)", "Art 33(3)(b)", "Art 33(3)(c)", "Art 33(3)(d)"]


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
    assert "Approximate number of data subjects: 40." in draft.body
    assert "health" in draft.body
    assert "ENISA methodology" in draft.body  # (c) from the breach assessment
    # The contact point is not in the profile yet: marked, and listed as unknown for a phased notification.
    assert UNKNOWN in draft.body
    assert any("Art 33(3)(b)" in u for u in draft.unknown)
    assert "Art 33(4)" in draft.body


def test_filling_the_profile_fills_the_element(breach, manager, organisation):
    from incidentdesk.organisation.services import save_profile

    save_profile(by=manager, contact_point="Ana Peeters, DPO, dpo@example.org")
    draft = services.create_draft(incident=breach, kind="gdpr_33", rule_id="GDPR-33-1-SA", by=manager)
    assert "dpo@example.org" in draft.body
    assert not any("33(3)(b)" in u for u in draft.unknown)


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
