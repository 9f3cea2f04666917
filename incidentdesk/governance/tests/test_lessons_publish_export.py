"""Lessons become tracked changes in the next draft; publishing leaves out internal contacts; exports carry the
document-control block."""

import io
from datetime import date

import pytest
import time_machine
from docx import Document as Docx

from incidentdesk.contacts.services import save_contact
from incidentdesk.governance import present, services
from incidentdesk.governance.models import DocumentKind, VersionStatus
from incidentdesk.lessons import services as lessons
from incidentdesk.lessons.models import DocumentChange

pytestmark = pytest.mark.django_db
PROC = DocumentKind.INCIDENT_PROCEDURE


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-12-02 09:00:00+00:00", tick=False):
        yield


def _in_force(people, kind=PROC, text="## 1. Purpose\nWe handle incidents.\n"):
    draft = services.start_draft(kind, by=people["manager"])
    services.edit_draft(draft, by=people["manager"], body=text)
    services.submit(draft, by=people["manager"])
    return services.approve(draft, by=people["administrator"])


def test_an_accepted_lesson_is_a_tracked_change_in_the_next_draft(people, record, as_person):
    current = _in_force(people)
    incident = record()
    lesson = lessons.propose(incident=incident, target="procedure", text="Add the DPO to step 4", by=people["manager"])
    lessons.decide(lesson=lesson, accept=True, by=people["manager"], summary="Step 4 names the DPO")
    change = DocumentChange.objects.get()
    draft = change.version
    assert draft.status == VersionStatus.DRAFT
    assert draft.number == current.number + 1
    assert draft.body == current.body  # the next draft starts from the version in force
    assert change.changed_on == date(2026, 12, 2)
    assert change.lesson == lesson
    # A second lesson lands in the same draft.
    other = lessons.propose(incident=incident, target="procedure", text="Shorter step 2", by=people["manager"])
    lessons.decide(lesson=other, accept=True, by=people["manager"])
    assert DocumentChange.objects.filter(version=draft).count() == 2
    page = as_person("viewer").get(f"/documents/{PROC}/v{draft.number}/").content.decode()
    assert "Step 4 names the DPO" in page
    assert f"lesson from {incident.reference}" in page
    # Training is no controlled document: its line names no version.
    third = lessons.propose(incident=incident, target="training", text="Brief the team", by=people["manager"])
    lessons.decide(lesson=third, accept=True, by=people["manager"])
    assert DocumentChange.objects.get(lesson=third).version is None


def test_a_tracked_change_of_a_restricted_incident_is_not_shown_to_others(people, record, as_person):
    from incidentdesk.incidents.access import restrict

    incident = record(title="Secret HR matter")
    lesson = lessons.propose(incident=incident, target="procedure", text="Secret change", by=people["manager"])
    lessons.decide(lesson=lesson, accept=True, by=people["manager"], summary="Secret change")
    restrict(incident=incident, restricted=True, people=[people["manager"]], by=people["administrator"])
    draft = DocumentChange.objects.get().version
    page = as_person("viewer").get(f"/documents/{PROC}/v{draft.number}/").content.decode()
    assert "Secret change" not in page
    assert incident.reference not in page


def test_publish_shows_the_version_in_force_without_internal_contacts(people, client):
    save_contact(by=None, kind="management", name="Founder mobile", phone="+32 470 00 00 00", private=True,
                 last_verified_on=date(2026, 11, 1))
    text = "## 7. Contacts\n\n- **Authority**: GBA · contact@apd-gba.be\n- **Management**: Founder mobile · +32 470 00 00 00\n"
    doc = services.document(PROC)
    with pytest.raises(services.Conflict, match="no approved version"):
        services.publish(doc, by=people["manager"])
    assert client.get(f"/public/documents/{PROC}/").status_code == 404
    _in_force(people, text=text)
    services.publish(doc, by=people["manager"])
    page = client.get(f"/public/documents/{PROC}/").content.decode()  # nobody signed in
    assert "contact@apd-gba.be" in page
    assert "Document control" in page
    assert "Founder mobile" not in page
    assert "+32 470" not in page
    services.unpublish(doc, by=people["manager"])
    assert client.get(f"/public/documents/{PROC}/").status_code == 404
    from incidentdesk.audit.models import AuditEvent

    assert set(AuditEvent.objects.filter(object_type="governance.Document").values_list("action", flat=True)) >= {
        "document.published", "document.unpublished"}


def test_exports_carry_the_document_control_block(people, as_person):
    version = _in_force(people)
    client = as_person("auditor")
    pdf = client.get(f"/documents/{PROC}/v{version.number}/export.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    word = client.get(f"/documents/{PROC}/v{version.number}/export.docx")
    text = "\n".join(p.text for p in Docx(io.BytesIO(word.content)).paragraphs)
    assert "Document control" in text
    assert "Status: In force" in text
    assert "Linked documents:" in text
    assert "We handle incidents." in text
    labels = [label for label, _ in present.control_rows(version)]
    assert labels == ["Document", "Version", "Status", "Effective date", "Next review", "Owner", "Linked documents",
                      "Legal basis / reference framework", "Approval"]


def test_the_diff_against_the_version_in_force_is_in_words(people, as_person):
    _in_force(people, text="## 1. Purpose\nWe handle incidents.\n\n## 2. Old\nGone.\n")
    draft = services.start_draft(PROC, by=people["manager"])
    services.edit_draft(draft, by=people["manager"], body="## 1. Purpose\nWe handle AI incidents.\n\n## 3. New\nHi.\n")
    page = as_person("viewer").get(f"/documents/{PROC}/v{draft.number}/").content.decode()
    assert "1 section changed, 1 section added, 1 section removed" in page
    assert "Section changed: 1. Purpose" in page
    assert "<del>We handle incidents.</del>" in page
    assert "<ins>We handle AI incidents.</ins>" in page
    assert "Section removed: 2. Old" in page
