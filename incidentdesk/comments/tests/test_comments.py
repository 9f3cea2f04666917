"""Comments on an incident: Markdown shown sanitised, audited, corrected only by their author (the audit log
keeps the texts' hashes, not the texts); a mention tells the person (an e-mail through the outbox, written with the comment) and stays
in their "my work" until read; a mention of someone who cannot see the incident tells no one, and the author
is told so."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core import mail

from conftest import NOW, table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.comments import services
from incidentdesk.comments.models import Comment, Mention
from incidentdesk.incidents import access
from incidentdesk.incidents.lock import IncidentClosed
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.services import record_incident
from incidentdesk.mywork.services import my_work
from incidentdesk.refusals import Forbidden
from incidentdesk.reminders.models import Delivery

FACTS = {"published_externally": True, "personal_data": {"involved": False}}


@pytest.fixture
def incident(people):
    for name, person in people.items():
        person.email = f"{name}@example.org"
        person.save()
    return record_incident(title="Chatbot invented a refund policy", description="x", detected_at=NOW,
                           by=people["manager"], now=NOW, facts=FACTS)


def counts():
    return table_counts() | {"comments": Comment.objects.count(), "mentions": Mention.objects.count(),
                             "deliveries": Delivery.objects.count()}


def test_a_mention_tells_the_person_by_email_and_waits_in_their_work_until_read(incident, people):
    written = services.add_comment(incident=incident, body="@p-responder can you check the logs?",
                                   by=people["manager"])
    assert written.told == ["p-responder"]
    assert [m.to for m in mail.outbox] == [["responder@example.org"]]
    assert "mentioned you" in mail.outbox[0].subject
    assert Delivery.objects.get().status == "delivered"
    [item] = my_work(people["responder"], NOW).tasks
    assert (item.kind, item.object_id) == ("Mention", written.comment.pk)
    assert services.mark_read(comment=written.comment, by=people["responder"]) == 1
    assert my_work(people["responder"], NOW).tasks == []
    assert services.mark_read(comment=written.comment, by=people["responder"]) == 0
    assert [e.action for e in AuditEvent.objects.filter(action__in=["comment.added", "mention.read"])] == [
        "comment.added", "mention.read"]


def test_a_mention_of_someone_who_cannot_see_the_incident_tells_no_one_and_the_author_learns_why(incident, people):
    access.restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    written = services.add_comment(incident=incident, body="@p-responder @p-reporter @nobody look", by=people["manager"])
    assert written.told == []
    assert written.not_told == ["@p-responder (cannot see this incident)", "@p-reporter (cannot see this incident)",
                                "@nobody (no one by that username)"]
    assert mail.outbox == []
    assert not Mention.objects.exists()
    assert not Delivery.objects.exists()


def test_markdown_is_shown_sanitised(incident, people, as_person):
    services.add_comment(incident=incident, body="**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
                         by=people["manager"])
    page = as_person("viewer").get(f"/incidents/{incident.reference}/").content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript' not in page


@pytest.mark.parametrize(("body", "message"), [("   ", "body: write something"),
                                               ("x" * 10_001, "keep a comment under 10,000 characters")])
def test_an_empty_or_too_long_comment_is_refused_and_nothing_is_stored(incident, people, body, message):
    before = counts()
    with pytest.raises(services.CommentRefused, match=message):
        services.add_comment(incident=incident, body=body, by=people["manager"])
    assert counts() == before


def test_a_long_comment_reaches_the_mention_email_as_an_excerpt(incident, people):
    tail = "the rest names a client employee"
    services.add_comment(incident=incident, body="@p-responder " + "x" * services.EXCERPT + tail,
                         by=people["manager"])
    assert tail not in Delivery.objects.get().body
    assert " …" in Delivery.objects.get().body


def test_only_the_author_corrects_a_comment_and_the_audit_log_keeps_a_hash_of_the_text_before(incident, people):
    written = services.add_comment(incident=incident, body="First words", by=people["manager"])
    with pytest.raises(Forbidden, match="only its author"):
        services.edit_comment(comment=written.comment, body="Not mine", by=people["administrator"])
    services.edit_comment(comment=written.comment, body="Better words, @p-responder", by=people["manager"])
    event = AuditEvent.objects.get(action="comment.edited")
    data = json.loads(event.data)
    assert data["before"] == {"sha256": hashlib.sha256(b"First words").hexdigest(), "length": 11}
    assert data["after"]["length"] == len("Better words, @p-responder")
    assert "words" not in event.data
    assert Mention.objects.get().user == people["responder"]


def test_a_closed_incident_takes_no_comment(incident, people):
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    with pytest.raises(IncidentClosed):
        services.add_comment(incident=incident, body="late", by=people["manager"])


def test_the_web_form_adds_a_comment_and_says_who_was_not_told(incident, as_person):
    client = as_person("responder")
    response = client.post(f"/incidents/{incident.reference}/comments/", {"comment-body": "Ask @p-reporter"},
                           follow=True)
    page = response.content.decode()
    assert "Comment added." in page
    assert "Not told: @p-reporter (cannot see this incident)." in page


def test_viewers_and_auditors_read_comments_but_may_not_write_them(incident, people, as_person):
    services.add_comment(incident=incident, body="Visible to readers", by=people["manager"])
    for who in ("viewer", "auditor"):
        client = as_person(who)
        page = client.get(f"/incidents/{incident.reference}/").content.decode()
        assert "Visible to readers" in page
        assert "Add comment" not in page
        assert client.post(f"/incidents/{incident.reference}/comments/", {"comment-body": "x"}).status_code == 403


def test_the_api_comments_and_reports_who_was_told(incident, people, client):
    from incidentdesk.accounts.tokens import create_token

    token = create_token(user=people["responder"], name="t", scopes=["read", "write"], by=None)[1]
    answer = client.post(f"/api/incidents/{incident.reference}/comments",
                         json.dumps({"body": "Done, @p-manager"}), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["told"], answer.json()["html"]) == (["p-manager"], "<p>Done, @p-manager</p>\n")
