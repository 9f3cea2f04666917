"""Redaction and subject-access reach every free text of the incident (texts.SOURCES), a corrective action too,
but leave the record of what was sent to an authority (notifications) as it was sent."""

import json
from datetime import date

import pytest

from incidentdesk.audit.models import AuditEvent
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Refused
from incidentdesk.retention import redaction, services, subjects

NAME = "Jan Peeters"


@pytest.fixture
def everywhere(record, people):
    from django.apps import apps
    from django.utils import timezone

    from incidentdesk.comments.services import add_comment

    incident = record(description="A client employee pasted the file into the chatbot.")
    now = timezone.now()
    apps.get_model("capa", "CorrectiveAction").objects.create(
        incident=incident, description=f"Train {NAME} on the chatbot policy", due_on=date(2030, 1, 1),
        assignee=people["responder"])
    add_comment(incident=incident, body=f"{NAME} called again", by=people["manager"])
    apps.get_model("intake", "TriageItem").objects.create(
        kind="report", reference="T-RETFIX-1", title="Report", details=f"Reported by {NAME}", first_seen=now,
        last_seen=now, incident=incident)
    apps.get_model("routing", "Notice").objects.create(
        incident=incident, team="legal", rule_id="r", reason="r", citation="c", ack_hours=4, created_at=now,
        ack_note=f"Spoke to {NAME}")
    other = record(title="Other")
    apps.get_model("linking", "IncidentLink").objects.create(source=incident, target=other, kind="related", at=now,
                                                            note=f"Same person: {NAME}")
    return Incident.objects.get(pk=incident.pk)


def test_redaction_reaches_comments_triage_reports_notices_links_and_corrective_actions(everywhere, people):
    done = redaction.redact(incident=everywhere, passage=NAME, reason="Not necessary", by=people["manager"])
    kinds = {d.kind for d in done}
    assert {"Corrective action", "Comment", "Triage report", "Internal notice", "Link to another incident"} <= kinds
    assert NAME not in everywhere.corrective_actions.get().description
    assert NAME not in everywhere.comments.get().body
    assert NAME not in everywhere.triage.get().details
    assert NAME not in everywhere.internal_notices.get().ack_note
    assert NAME not in everywhere.links_out.get().note


def test_subject_access_finds_a_corrective_action_and_a_comment(everywhere, people):
    found = subjects.search(term=NAME, by=people["administrator"])
    assert [m.incident.reference for m in found] == [everywhere.reference]
    assert "Corrective action: Action" in found[0].places
    assert "Comment: Comment" in found[0].places


def test_the_search_event_keeps_a_hash_of_the_term_not_the_name(everywhere, people):
    subjects.search(term="  jan   PEETERS ", by=people["administrator"])
    event = AuditEvent.objects.filter(action="subject_access.searched").latest("seq")
    assert "peeters" not in event.data.lower()
    after = json.loads(event.data)["after"]
    assert after["person_sha256"] == redaction.sha256(NAME.casefold())
    assert after["person_length"] == len(NAME)


def test_a_comment_event_keeps_a_hash_and_length_not_the_body(everywhere, people):
    from incidentdesk.comments.services import edit_comment

    comment = everywhere.comments.get()
    edit_comment(comment=comment, body=f"{NAME} called twice", by=people["manager"])
    for event in AuditEvent.objects.filter(action__in=["comment.added", "comment.edited"]):
        assert "peeters" not in event.data.lower()
    edited = json.loads(AuditEvent.objects.filter(action="comment.edited").latest("seq").data)
    assert edited["after"]["sha256"] == redaction.sha256(f"{NAME} called twice")
    assert edited["after"]["length"] == len(f"{NAME} called twice")


def test_a_notification_sent_to_an_authority_is_not_redacted():
    from incidentdesk.retention.texts import SOURCES

    assert "notifications.Notification" not in {s.model for s in SOURCES}


def test_redaction_is_refused_while_a_legal_hold_is_in_force(everywhere, people):
    services.place_hold(incident=everywhere, reason="Claim pending", by=people["manager"])
    before = everywhere.comments.get().body
    with pytest.raises(Refused, match="legal hold"):
        redaction.redact(incident=everywhere, passage=NAME, reason="Not necessary", by=people["manager"])
    assert everywhere.comments.get().body == before
    assert not AuditEvent.objects.filter(action="text.redacted").exists()
