"""Idempotent writes: Idempotency-Key on the API, one-time tokens on the web's create forms."""

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.db import connection
from django.test import Client

from conftest import NOW, table_counts
from incidentdesk.accounts.tokens import create_token
from incidentdesk.idempotency import services
from incidentdesk.idempotency.models import IdempotencyKey
from incidentdesk.incidents.models import Incident

BODY = {"title": "Chatbot invented a refund policy", "description": "Told a client 90 days.",
        "detected_at": "2026-11-20T09:00:00+01:00",
        "facts": {"published_externally": True, "personal_data": {"involved": False}}}


@pytest.fixture
def write_token(people):
    return create_token(user=people["manager"], name="test", scopes=["read", "write"], by=None)[1]


def post(client, token, key, body=BODY, path="/api/incidents"):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(path, data=body, content_type="application/json", headers=headers)


def test_a_repeat_replays_the_stored_response_and_records_once(client, write_token):
    first = post(client, write_token, "key-1")
    assert first.status_code == 201, first.content
    again = post(client, write_token, "key-1")
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_422_and_does_nothing(client, write_token):
    post(client, write_token, "key-1")
    before = table_counts()
    other = post(client, write_token, "key-1", BODY | {"title": "Something else"})
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert "different request" in other.json()["detail"]
    assert table_counts() == before


def test_a_key_still_in_progress_is_a_409(client, write_token, people):
    text = json.dumps(BODY)
    services.claim(user=people["manager"], key="busy",
                   fingerprint=services.fingerprint("POST", "/api/incidents", text.encode()))
    response = post(client, write_token, "busy", text)
    assert response.status_code == 409
    assert response.json()["title"] == "Request in progress"
    assert not Incident.objects.exists()


def test_keys_are_per_person_and_expire_after_24_hours(client, write_token, people, time_machine):
    time_machine.move_to(NOW)
    other = create_token(user=people["responder"], name="t", scopes=["read", "write"], by=None)[1]
    assert post(client, write_token, "shared").status_code == 201
    assert post(client, other, "shared").status_code == 201  # another person's key of the same name
    assert Incident.objects.count() == 2
    time_machine.shift(timedelta(hours=24, minutes=1))
    assert post(client, write_token, "shared").status_code == 201  # expired: a new request
    assert Incident.objects.count() == 3


def test_a_refused_request_releases_the_key(client, write_token):
    bad = post(client, write_token, "retry", BODY | {"detected_at": "2026-11-20T09:00:00"})
    assert bad.status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert post(client, write_token, "retry").status_code == 201


def test_without_a_key_or_a_valid_token_nothing_changes(client, write_token):
    assert post(client, write_token, None).status_code == 201
    assert post(client, "idk_forged_token", "k").status_code == 401
    assert post(client, write_token, " ").status_code == 422
    assert post(client, write_token, "x" * 256).status_code == 422
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_three_identical_requests_at_once_record_one_incident(transactional_register, people):
    token = create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)[1]
    barrier = threading.Barrier(3)
    responses, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            responses.append(post(Client(), token, "parallel-1"))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert Incident.objects.count() == 1
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
    reference = Incident.objects.get().reference
    assert all(r.json()["reference"] == reference for r in responses if r.status_code == 201)
    replay = post(Client(), token, "parallel-1")
    assert replay.status_code == 201
    assert replay.json()["reference"] == reference


RECORD = {"title": "Chatbot leaked a client's email address", "description": "", "detected_at": "2026-11-20T09:00",
          "tool": "Website chatbot", "personal_data": "yes", "published_externally": "no"}


def test_the_record_form_carries_a_one_time_token(as_person):
    page = as_person("responder").get("/incidents/record/").content.decode()
    assert 'name="once_token"' in page


def test_sending_the_record_form_twice_records_one_incident(as_person):
    client = as_person("responder")
    first = client.post("/incidents/record/", RECORD | {"once_token": "tok-1"})
    incident = Incident.objects.get()
    assert first["Location"] == f"/incidents/{incident.reference}/"
    second = client.post("/incidents/record/", RECORD | {"once_token": "tok-1"}, follow=True)
    assert Incident.objects.count() == 1
    assert second.redirect_chain[0][0] == f"/incidents/{incident.reference}/"
    assert "already sent, so nothing new was saved" in second.content.decode()
    client.post("/incidents/record/", RECORD | {"once_token": "tok-2"})
    assert Incident.objects.count() == 2


def test_a_form_with_a_problem_can_be_sent_again_with_its_token(as_person):
    client = as_person("responder")
    assert client.post("/incidents/record/", RECORD | {"title": "", "once_token": "tok-1"}).status_code == 400
    assert client.post("/incidents/record/", RECORD | {"once_token": "tok-1"}).status_code == 302
    assert Incident.objects.count() == 1


def test_purge_forgets_keys_older_than_a_day(people):
    from django.utils import timezone

    services.claim(user=people["manager"], key="old", fingerprint="f", now=timezone.now() - timedelta(hours=25))
    services.claim(user=people["responder"], key="new", fingerprint="f")
    assert services.purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_workspace_forms_carry_the_token_and_a_repeat_adds_one_action(as_person, record):
    incident = record()
    client = as_person("responder")
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert page.count('name="once_token"') >= 4  # containment, evidence, plan, lesson
    form = {"containment-kind": "stop_operation", "containment-taken_at": "2026-11-20T10:00",
            "containment-taken_by": "Ana", "containment-result": "effective", "once_token": "tok-a"}
    for _ in range(2):
        response = client.post(f"/incidents/{incident.reference}/containment/", form)
        assert response["Location"] == f"/incidents/{incident.reference}/"
    assert incident.containment_actions.count() == 1


def test_the_add_contact_and_add_tool_forms_create_one_each_when_sent_twice(as_person):
    from incidentdesk.contacts.models import Contact
    from incidentdesk.inventory.models import AITool

    client = as_person("manager")
    assert 'name="once_token"' in client.get("/contacts/add/").content.decode()
    assert 'name="once_token"' in client.get("/inventory/add/").content.decode()
    contact = {"kind": "supervisory_authority", "name": "Belgian DPA", "escalation_order": "1",
               "last_verified_on": "2026-11-01", "once_token": "c-1"}
    tool = {"name": "Copilot", "risk_class": "limited", "approved": "on", "once_token": "t-1"}
    for _ in range(2):
        assert client.post("/contacts/add/", contact).status_code == 302
        assert client.post("/inventory/add/", tool).status_code == 302
    assert Contact.objects.count() == 1
    assert AITool.objects.count() == 1


def test_the_reminder_schedule_forgets_expired_keys(people):
    from django.core.management import call_command
    from django.utils import timezone

    services.claim(user=people["manager"], key="old", fingerprint="f", now=timezone.now() - timedelta(hours=25))
    call_command("incidentdesk", "remind", stdout=StringIO())
    assert not IdempotencyKey.objects.exists()
