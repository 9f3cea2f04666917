"""Draft → in review → approved → in force → superseded: each step refused with a sentence when it may not
happen, nothing stored then, and every transition in the audit log."""

from datetime import date

import pytest
import time_machine
from django.db.models import ProtectedError

from incidentdesk.audit.models import AuditEvent
from incidentdesk.governance import services
from incidentdesk.governance.models import DocumentKind, DocumentVersion, VersionStatus
from incidentdesk.refusals import Conflict, Forbidden

pytestmark = pytest.mark.django_db
NOW = "2026-12-02 09:00:00+00:00"
PROC = DocumentKind.INCIDENT_PROCEDURE


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _in_force(people, text="## 1. Purpose\nWe handle incidents.\n"):
    draft = services.start_draft(PROC, by=people["manager"])
    draft = services.edit_draft(draft, by=people["manager"], body=text)
    services.submit(draft, by=people["manager"])
    return services.approve(draft, by=people["administrator"])


def test_the_author_may_not_approve_alone_while_another_approver_exists(people):
    draft = services.start_draft(PROC, by=people["administrator"])
    services.edit_draft(draft, by=people["administrator"], body="## 1. Purpose\nText.\n")
    services.submit(draft, by=people["administrator"])
    services.update_document(services.document(PROC), by=people["administrator"], approver_role="incident_manager")
    with pytest.raises(Forbidden, match="You wrote this version"):
        services.approve(draft, by=people["administrator"])  # the incident manager may approve it
    with pytest.raises(Forbidden, match="Only incident manager"):
        services.approve(draft, by=people["responder"])
    assert DocumentVersion.objects.get(pk=draft.pk).status == VersionStatus.IN_REVIEW  # nothing stored
    approved = services.approve(draft, by=people["manager"])
    assert approved.status == VersionStatus.IN_FORCE
    assert approved.approved_by == people["manager"]
    assert services.document(PROC).next_review_on == date(2027, 12, 2)


def test_a_sole_approver_may_approve_their_own_version_and_the_log_says_so(people):
    for name in ("manager", "responder"):
        people[name].is_active = False
        people[name].save()
    draft = services.start_draft(PROC, by=people["administrator"])
    services.edit_draft(draft, by=people["administrator"], body="## 1. Purpose\nText.\n")
    services.submit(draft, by=people["administrator"])
    services.approve(draft, by=people["administrator"])
    event = AuditEvent.objects.filter(action="document.approved").get()
    assert "approved by its author, the only person who may approve" in event.data


def test_supersede_on_the_effective_date_by_an_idempotent_pass(people):
    first = _in_force(people)
    second = services.start_draft(PROC, by=people["manager"])
    assert second.body == first.body  # copied from the version in force
    services.edit_draft(second, by=people["manager"], body="## 1. Purpose\nWe handle AI incidents.\n\n## 2. New\nx\n")
    services.submit(second, by=people["manager"])
    second = services.approve(second, by=people["administrator"], effective_on=date(2027, 1, 1))
    assert second.status == VersionStatus.APPROVED
    assert DocumentVersion.objects.get(pk=first.pk).status == VersionStatus.IN_FORCE
    assert services.bring_into_force(on=date(2026, 12, 31)) == []
    assert [v.pk for v in services.bring_into_force(on=date(2027, 1, 1))] == [second.pk]
    assert services.bring_into_force(on=date(2027, 1, 1)) == []  # a second pass finds nothing
    assert DocumentVersion.objects.get(pk=first.pk).status == VersionStatus.SUPERSEDED
    assert DocumentVersion.objects.get(pk=second.pk).status == VersionStatus.IN_FORCE
    actions = list(AuditEvent.objects.filter(object_type="governance.DocumentVersion").values_list("action", flat=True))
    for action in ("document.draft_started", "document.edited", "document.submitted", "document.approved",
                   "document.in_force", "document.superseded"):
        assert action in actions


def test_an_approved_version_is_never_edited_and_a_past_effective_date_is_refused(people):
    version = _in_force(people)
    with pytest.raises(Conflict, match="only a draft can be changed"):
        services.edit_draft(version, by=people["manager"], body="## Changed\n")
    assert DocumentVersion.objects.get(pk=version.pk).body == "## 1. Purpose\nWe handle incidents.\n"
    draft = services.start_draft(PROC, by=people["manager"])
    services.edit_draft(draft, by=people["manager"], body="## 1. Purpose\nOther.\n")
    services.submit(draft, by=people["manager"])
    with pytest.raises(services.DocumentRefused, match="has passed"):
        services.approve(draft, by=people["administrator"], effective_on=date(2026, 1, 1))
    assert DocumentVersion.objects.get(pk=draft.pk).status == VersionStatus.IN_REVIEW


def test_viewers_and_responders_cannot_write_documents(people):
    for name in ("viewer", "responder", "auditor"):
        with pytest.raises(Forbidden):
            services.generate_draft(PROC, by=people[name])
    assert not DocumentVersion.objects.exists()


def test_the_incident_records_the_procedure_in_force_which_then_cannot_be_deleted(people, record):
    assert record().procedure_version is None  # none in force yet
    version = _in_force(people)
    incident = record(title="Second")
    assert incident.procedure_version == version
    with pytest.raises(ProtectedError):
        version.delete()


def test_the_workspace_and_the_report_say_which_procedure_version_it_was_handled_under(people, record, as_person):
    from incidentdesk.documents.report import register_entry

    before = record()
    version = _in_force(people)
    incident = record(title="Second")
    page = as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    assert "Handled under" in page
    assert f"/documents/{PROC}/v{version.number}/" in page
    assert "AI Incident Procedure, version 1 (in force from 2 December 2026)" in register_entry(incident)
    assert "No procedure version was in force when it was recorded" in register_entry(before)


def test_the_web_refuses_the_author_approving_with_a_sentence(people, as_person):
    services.update_document(services.document(PROC), by=people["administrator"], approver_role="incident_manager")
    draft = services.start_draft(PROC, by=people["manager"])
    services.edit_draft(draft, by=people["manager"], body="## 1. Purpose\nText.\n")
    services.submit(draft, by=people["manager"])
    client = as_person("manager")
    page = client.get(f"/documents/{PROC}/v{draft.number}/").content.decode()
    assert "You wrote this version" in page
    assert 'id="approve"' not in page
    response = client.post(f"/documents/{PROC}/v{draft.number}/approve/", {}, follow=True)
    assert "You wrote this version" in response.content.decode()
    assert DocumentVersion.objects.get(pk=draft.pk).status == VersionStatus.IN_REVIEW


def test_an_unknown_document_or_version_number_is_not_found_not_a_server_error(db):
    """Found by the API's schema fuzzing: a garbage kind raised ValueError, a huge number a database error."""
    from incidentdesk.governance import services
    from incidentdesk.refusals import NotFound

    for kind, number in (("no-such-document", 1), ("incident_policy", 2**40), ("incident_policy", 0)):
        with pytest.raises(NotFound):
            services.version_of(kind, number)
