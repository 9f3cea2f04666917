"""Minimisation (seed §8): redaction keeps the original only as a hash and the chain verifiable; a pseudonymised
export replaces people consistently; a subject-access search finds every mention the searcher may see, audited."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from incidentdesk.audit.models import AuditEvent
from incidentdesk.audit.services import verify
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import Conflict, Forbidden
from incidentdesk.retention import redaction, subjects
from incidentdesk.retention.pseudonyms import Pseudonymiser

NAME = "Jan Peeters"
EMAIL = "jan.peeters@client.example"


@pytest.fixture
def mentioning(record, people):
    from incidentdesk.containment.services import contain

    incident = record(description=f"{NAME} ({EMAIL}, +32 470 12 34 56) pasted the file into the chatbot.",
                      affected_parties=f"One client employee: {NAME}")
    contain(incident=incident, kind="other", description=f"Called {NAME} to delete the chat", by=people["manager"],
            taken_by="IT desk", taken_at=incident.detected_at, result="effective")
    return Incident.objects.get(pk=incident.pk)


def test_redaction_replaces_every_occurrence_keeps_only_a_hash_and_the_chain_verifies(mentioning, people):
    original = mentioning.description
    done = redaction.redact(incident=mentioning, passage="jan peeters", reason="Not necessary", by=people["manager"])
    assert sum(d.occurrences for d in done) == 3
    mentioning.refresh_from_db()
    assert NAME not in mentioning.description
    assert NAME not in mentioning.affected_parties
    assert "[redacted]" in mentioning.description
    assert NAME not in mentioning.containment_actions.get().description
    events = list(AuditEvent.objects.filter(action="text.redacted"))
    assert len(events) == 3
    for event in events:
        assert "peeters" not in event.data.lower()  # the audit event holds no original text
    described = next(json.loads(e.data) for e in events if json.loads(e.data)["before"]["field"] == "description")
    assert described["before"]["sha256"] == redaction.sha256(original)
    assert described["after"]["reason"] == "Not necessary"
    assert events[0].actor_name == "p-manager"
    result = verify()
    assert result.ok, result.problem


def test_a_refused_redaction_changes_nothing(mentioning, people):
    before = (mentioning.description, AuditEvent.objects.count())
    with pytest.raises(redaction.RedactionRefused, match="reason"):
        redaction.redact(incident=mentioning, passage=NAME, reason=" ", by=people["manager"])
    with pytest.raises(redaction.RedactionRefused, match="at least 3"):
        redaction.redact(incident=mentioning, passage="J", reason="x", by=people["manager"])
    with pytest.raises(Forbidden):
        redaction.redact(incident=mentioning, passage=NAME, reason="x", by=people["responder"])
    with pytest.raises(Conflict, match="does not appear"):
        redaction.redact(incident=mentioning, passage="Somebody Else", reason="x", by=people["manager"])
    mentioning.refresh_from_db()
    assert (mentioning.description, AuditEvent.objects.count()) == before


def test_redaction_from_the_web_and_the_cli(mentioning, people, as_person, monkeypatch):
    client = as_person("manager")
    assert client.get(f"/incidents/{mentioning.reference}/redact/").status_code == 200
    response = client.post(f"/incidents/{mentioning.reference}/redact/", {"passage": EMAIL, "reason": "Not needed"},
                           follow=True)
    assert "Redacted 1 occurrence" in response.content.decode()
    assert EMAIL not in Incident.objects.get(pk=mentioning.pk).description
    out = io.StringIO()
    call_command("incidentdesk", "--as", "p-manager", "redact", mentioning.reference, "--passage", NAME,
                 "--reason", "Not needed", stdout=out)
    assert "redacted" in out.getvalue()
    with pytest.raises(CommandError, match="does not appear"):
        call_command("incidentdesk", "--as", "p-manager", "redact", mentioning.reference, "--passage", NAME,
                     "--reason", "Not needed", stdout=out)


def test_pseudonyms_are_consistent_within_an_export():
    pseudo = Pseudonymiser(names=["Jan Peeters", "Ana"])
    first = pseudo(f"{NAME} wrote to {EMAIL}; ana answered. Call 0470 12 34 56.")
    second = pseudo(f"jan peeters again, {EMAIL.upper()}, INC-2026-001 on 2026-11-20 08:00")
    assert first == ("Person 1 wrote to email-1@example.invalid; Person 2 answered. Call [phone 1].")
    assert second == "Person 1 again, email-1@example.invalid, INC-2026-001 on 2026-11-20 08:00"


def test_the_register_export_can_be_pseudonymised(mentioning, people, as_person):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=people["manager"].pk).update(first_name="Jan", last_name="Peeters")
    client = as_person("viewer")
    plain = b"".join(client.get("/incidents/export.csv").streaming_content).decode()
    assert NAME in plain
    response = client.get("/incidents/export.csv?pseudonymised=1")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    text = "\n".join(",".join(r) for r in rows)
    assert NAME not in text
    assert EMAIL not in text
    assert "+32 470" not in text
    assert "Person 1" in text
    event = AuditEvent.objects.filter(action="register.exported").latest("seq")
    assert "pseudonymised" in event.data


def test_subject_access_finds_mentions_obeys_the_access_policy_and_is_audited(mentioning, record, people):
    from incidentdesk.incidents.access import restrict

    hidden = record(title="Other", description=f"Also about {NAME}")
    restrict(incident=hidden, restricted=True, people=[], by=people["manager"])
    found = subjects.search(term=NAME.upper(), by=people["administrator"])  # not named on the restricted one
    assert [m.incident.reference for m in found] == [mentioning.reference]
    assert "What happened" in found[0].places
    assert "Containment action: What was done" in found[0].places
    event = AuditEvent.objects.filter(action="subject_access.searched").latest("seq")
    assert event.actor_name == "p-administrator"
    assert hidden.reference not in event.data
    with pytest.raises(Forbidden):
        subjects.search(term=NAME, by=people["viewer"])


def test_subject_access_page_and_export(mentioning, as_person):
    client = as_person("manager")
    page = client.get("/subject-access/", {"person": EMAIL}).content.decode()
    assert mentioning.reference in page
    response = client.get("/subject-access/export.csv", {"person": EMAIL})
    text = b"".join(response.streaming_content).decode()
    assert mentioning.reference in text
    assert client.get("/subject-access/", {"person": "x"}).status_code == 400
