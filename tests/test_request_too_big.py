"""Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) are a 413, stored nowhere (found by an attacker as a
500: RequestDataTooBig). Evidence files are multipart uploads with their own 25 MB limit and still work."""

import io
import json

import pytest
from django.test import Client

from conftest import table_counts
from incidentdesk.accounts.tokens import create_token

BIG = 3 * 1024 * 1024

pytestmark = pytest.mark.usefixtures("evidence_dir")  # uploads go to a folder per test, not var/


def png(size: int, fill: bytes = b"\x00"):
    handle = io.BytesIO(b"\x89PNG\r\n\x1a\n" + fill * size)
    handle.name = "screen.png"
    return handle


@pytest.fixture
def token(people):
    return create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)[1]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("idempotency_key", [None, "k-1"])
def test_an_oversized_json_body_is_a_413_problem(client, record, token, settings, debug, idempotency_key):
    settings.DEBUG = debug  # in DEBUG ninja answered the RequestDataTooBig with a 500 and its traceback
    incident = record()
    before = table_counts()
    headers = {"Authorization": f"Bearer {token}"} | ({"Idempotency-Key": idempotency_key} if idempotency_key else {})
    body = json.dumps({"level": 2, "reasoning": "x" * BIG})
    response = client.post(f"/api/incidents/{incident.reference}/classify", data=body,
                           content_type="application/json", headers=headers)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Payload too large"
    assert table_counts() == before


def test_oversized_form_fields_in_a_multipart_api_body_are_a_413_problem(client, record, token, settings):
    settings.DEBUG = True
    incident = record()
    before = table_counts()
    response = client.post(f"/api/incidents/{incident.reference}/evidence", headers={"Authorization": f"Bearer {token}"},
                           data={"file": png(100), "description": "x" * BIG})
    assert response.status_code == 413
    assert response.json()["title"] == "Payload too large"
    assert table_counts() == before


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/json"])
def test_an_oversized_web_post_is_a_plain_413_page(people, record, content_type):
    incident = record()
    before = table_counts()
    client = Client(enforce_csrf_checks=True)  # the CSRF check is what reads a web form first
    client.force_login(people["manager"])
    response = client.post(f"/incidents/{incident.reference}/classify/", data="level=2&reasoning=" + "x" * BIG,
                           content_type=content_type)
    assert response.status_code == 413
    assert b"Payload too large" in response.content
    assert response["Content-Type"].startswith("text/html")
    assert table_counts() == before


def test_oversized_form_fields_in_a_multipart_web_post_are_a_413_page(as_person, record):
    incident = record()
    before = table_counts()
    response = as_person("manager").post(f"/incidents/{incident.reference}/evidence/",
                                         data={"evidence-file": png(100), "evidence-description": "x" * BIG})
    assert response.status_code == 413
    assert b"Payload too large" in response.content
    assert table_counts() == before


def test_evidence_files_over_2_5_mb_still_upload_through_the_api_and_the_web(client, as_person, record, token):
    from incidentdesk.evidence.models import Evidence

    incident = record()
    for fill, key in ((b"\x01", None), (b"\x02", "upload-1")):
        headers = {"Authorization": f"Bearer {token}"} | ({"Idempotency-Key": key} if key else {})
        response = client.post(f"/api/incidents/{incident.reference}/evidence", headers=headers,
                               data={"file": png(BIG, fill)})
        assert response.status_code == 201, response.content[:300]
    response = as_person("manager").post(f"/incidents/{incident.reference}/evidence/", data={"evidence-file": png(BIG)})
    assert response.status_code == 302
    assert Evidence.objects.filter(incident=incident).count() == 3
    assert all(e.size > BIG for e in Evidence.objects.all())
