"""A token never does more than its owner: not when it is created (web, CLI), not when it is used (the owner's
current role, read at each use), and alerts sent with it act as the owner. A write-only token does not read."""

import hashlib
import hmac
import json
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import table_counts
from incidentdesk.accounts.models import ApiToken
from incidentdesk.accounts.services import set_role
from incidentdesk.accounts.tokens import allowed_scopes, create_token

BODY = {"title": "Chatbot invented a refund policy", "description": "Told a client 90 days.",
        "detected_at": "2026-11-20T09:00:00+01:00",
        "facts": {"published_externally": True, "personal_data": {"involved": False}}}


def api(client, method, path, token, **body):
    return getattr(client, method)(f"/api{path}", data=json.dumps(body), content_type="application/json",
                                   headers={"Authorization": f"Bearer {token}"})


def test_each_role_may_hold_only_the_scopes_it_can_use(people):
    assert {name: allowed_scopes(user) for name, user in people.items()} == {
        "administrator": ["read", "write", "intake"], "manager": ["read", "write", "intake"],
        "responder": ["read", "write", "intake"], "viewer": ["read"], "auditor": ["read"],
        "reporter": ["read", "write"]}  # a reporter records its reports; it does not triage alerts


@pytest.mark.parametrize(("persona", "scope"), [("viewer", "write"), ("viewer", "intake"), ("auditor", "write"),
                                                ("auditor", "intake"), ("reporter", "intake")])
def test_a_token_beyond_the_role_is_refused_by_the_service_and_nothing_is_stored(people, persona, scope):
    from incidentdesk.refusals import Forbidden

    before = table_counts(), ApiToken.objects.count()
    with pytest.raises(Forbidden, match=f"does not allow {scope}"):
        create_token(user=people[persona], name="mine", scopes=["read", scope], by=people["administrator"])
    assert (table_counts(), ApiToken.objects.count()) == before


def test_the_account_page_offers_only_the_scopes_of_the_role_and_refuses_others(as_person):
    client = as_person("viewer")
    page = client.get("/account/").content.decode()
    assert 'value="read"' in page
    assert 'value="intake"' not in page
    assert 'value="write"' not in page
    response = client.post("/account/", {"name": "sneaky", "scopes": ["intake"]})
    assert response.status_code == 200
    assert ApiToken.objects.count() == 0
    assert "idk_" not in response.content.decode().split("<table")[0]


def test_the_cli_refuses_a_token_beyond_the_role(people, monkeypatch):
    monkeypatch.delenv("INCIDENTDESK_USER", raising=False)
    with pytest.raises(CommandError, match="does not allow intake"):
        call_command("incidentdesk", "--as", "p-administrator", "token", "create", "p-reporter", "--name", "grafana",
                     "--scope", "intake", stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.count() == 0


def test_a_demoted_persons_token_loses_its_power_at_once(client, people):
    token = create_token(user=people["responder"], name="ci", scopes=["read", "write"], by=None)[1]
    assert api(client, "post", "/incidents", token, **BODY).status_code == 201
    set_role(user=people["responder"], role="viewer", by=people["administrator"])
    before = table_counts()
    refused = api(client, "post", "/incidents", token, **BODY)
    assert refused.status_code == 403
    assert "role" in refused.json()["detail"]
    assert table_counts() == before
    assert client.get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_deactivated_persons_token_stops_at_once(client, people):
    """A 30-second cache per process used to keep it working after the person was deactivated."""
    token = create_token(user=people["manager"], name="ci", scopes=["read"], by=None)[1]
    assert client.get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    people["manager"].is_active = False
    people["manager"].save()
    assert client.get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_revoked_token_stops_at_once_even_if_revoked_elsewhere(client, people):
    """Revoked by another server process (here: by an UPDATE no cache of this process hears about)."""
    row, token = create_token(user=people["manager"], name="ci", scopes=["read"], by=None)
    assert client.get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(revoked_at="2026-11-22T12:00:00Z")
    assert client.get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def _signed_post(client, token, slug, payload):
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(b"s3cret", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return client.post(f"/api/intake/alerts?source={slug}", data=body, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", "X-IncidentDesk-Timestamp": stamp,
                                "X-IncidentDesk-Signature": f"sha256={signature}"})


def test_an_auto_promoted_alert_is_recorded_by_the_tokens_owner_with_the_rule_and_source(client, people):
    from incidentdesk.audit.models import AuditEvent
    from incidentdesk.intake.models import AlertSource, TriageItem

    rule = {"labels": {"alertname": "ModelDrift"}, "min": {"drift": 0.3}}
    AlertSource.objects.create(name="Grafana", slug="grafana", hmac_secret="s3cret", auto_rules=[rule])
    token = create_token(user=people["responder"], name="grafana", scopes=["intake"], by=None)[1]
    response = _signed_post(client, token, "grafana", {"title": "Drift", "labels": {"alertname": "ModelDrift"},
                                                       "values": {"drift": 0.42}})
    assert response.json()["promoted"] == 1
    incident = TriageItem.objects.get().incident
    created = AuditEvent.objects.get(action="incident.created", incident_ref=incident.reference)
    assert created.actor == people["responder"]
    promoted = AuditEvent.objects.get(action="triage.promoted")
    assert promoted.actor == people["responder"]
    assert json.loads(promoted.data)["after"]["automatically"] == {"source": "grafana", "rule": rule}
    assert not AuditEvent.objects.filter(actor__isnull=True, incident_ref=incident.reference).exists()


def test_an_intake_token_whose_owner_was_demoted_sends_nothing(client, people):
    from incidentdesk.intake.models import AlertSource, TriageItem

    AlertSource.objects.create(name="Grafana", slug="grafana", hmac_secret="s3cret",
                               auto_rules=[{"labels": {"alertname": "ModelDrift"}}])
    token = create_token(user=people["responder"], name="grafana", scopes=["intake"], by=None)[1]
    set_role(user=people["responder"], role="reporter", by=people["administrator"])
    before = table_counts()
    response = _signed_post(client, token, "grafana", {"title": "Drift", "labels": {"alertname": "ModelDrift"}})
    assert response.status_code == 403
    assert (table_counts(), TriageItem.objects.count()) == (before, 0)


@pytest.fixture
def incident(record):
    return record()


def test_a_write_only_token_cannot_read_an_incident_through_an_empty_change(client, people, incident):
    token = create_token(user=people["manager"], name="w", scopes=["write"], by=None)[1]
    before = table_counts()
    response = api(client, "patch", f"/incidents/{incident.reference}/facts", token, changes={})
    assert response.status_code == 422
    assert "nothing to change" in response.json()["detail"]
    assert incident.description not in response.content.decode()
    assert table_counts() == before


def test_a_write_only_token_gets_back_only_what_its_write_produced(client, people, incident):
    token = create_token(user=people["manager"], name="w", scopes=["write"], by=None)[1]
    changed = api(client, "patch", f"/incidents/{incident.reference}/facts", token,
                  changes={"harm.death": False, "affected_parties": "One client"})
    assert changed.status_code == 200, changed.content
    assert changed.json() == {"reference": incident.reference, "status": "detected",
                              "changed": ["affected_parties", "harm.death"]}
    recorded = api(client, "post", "/incidents", token, **BODY)
    assert recorded.status_code == 201
    assert set(recorded.json()) == {"reference", "status", "changed"}
    classified = api(client, "post", f"/incidents/{incident.reference}/classify", token, level=2, reasoning="x")
    assert set(classified.json()) == {"reference", "status", "changed"}
    assert incident.description not in classified.content.decode()


def test_a_token_with_read_and_write_still_gets_the_incident_back(client, people, incident):
    token = create_token(user=people["manager"], name="rw", scopes=["read", "write"], by=None)[1]
    changed = api(client, "patch", f"/incidents/{incident.reference}/facts", token, changes={"harm.death": False})
    assert changed.json()["description"] == incident.description


def test_a_write_only_token_writes_a_draft_but_does_not_get_its_text(client, people, incident):
    """A draft is written from the incident's facts: its text is a read, so a token without read gets the id."""
    token = create_token(user=people["manager"], name="w", scopes=["write"], by=None)[1]
    response = api(client, "post", f"/incidents/{incident.reference}/drafts", token, kind="client_notice")
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id", "kind", "rule_id", "version"}
    assert incident.title not in response.content.decode()
    both = create_token(user=people["manager"], name="rw", scopes=["read", "write"], by=None)[1]
    full = api(client, "post", f"/incidents/{incident.reference}/drafts", both, kind="client_notice").json()
    assert full["version"] == 2
    assert incident.reference in full["body"]
