"""A full disk is a 507 that says nothing was saved, never a 500 (found by an attacker as a 500 with a
traceback). Checked with a really full SQLite database, and with the errors PostgreSQL and file writes give."""

import errno
import json
from unittest import mock

import pytest
from django.db import OperationalError, connection

from conftest import table_counts
from incidentdesk.accounts.tokens import create_token
from incidentdesk.nospace import is_out_of_space

pytestmark = pytest.mark.usefixtures("evidence_dir")

BODY = {"title": "Chatbot invented a refund policy", "description": "Seen by a customer.",
        "detected_at": "2026-11-20T08:00:00Z"}


@pytest.fixture
def token(people):
    return create_token(user=people["manager"], name="t", scopes=["read", "write"], by=None)[1]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="fills a real SQLite database")
@pytest.mark.parametrize("debug", [False, True])
def test_recording_on_a_full_database_is_a_507_problem_and_stores_nothing(transactional_register, client, token,
                                                                         settings, debug):
    settings.DEBUG = debug
    before = table_counts()
    # Records until the last free page is used: the first write that needs a new page fails.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA max_page_count = 1")  # not lowered below the current size: pins it there
    try:
        for _ in range(50):
            response = client.post("/api/incidents", data=json.dumps(BODY), content_type="application/json",
                                    headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 201:
                break
            before = table_counts()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 4294967294")
    assert response.status_code == 507
    assert response["Content-Type"] == "application/problem+json"
    assert "nothing from this request was saved" in response.json()["detail"]
    assert table_counts() == before


POSTGRES_DISK_FULL = OperationalError("could not extend file \"base/16384/2619\": No space left on device")


@pytest.mark.parametrize("debug", [False, True])
def test_a_full_disk_under_postgresql_is_a_507_problem(client, token, settings, debug):
    settings.DEBUG = debug
    with mock.patch("incidentdesk.incidents.api.incidents.record_incident", side_effect=POSTGRES_DISK_FULL):
        response = client.post("/api/incidents", data=json.dumps(BODY), content_type="application/json",
                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 507
    assert response.json()["title"] == "Out of storage space"


def test_a_full_disk_on_a_web_page_is_a_plain_507_page(as_person):
    from incidentdesk.incidents.tests.test_web_record import GOOD

    client = as_person("manager")
    full = OSError(errno.ENOSPC, "No space left on device")
    with mock.patch("incidentdesk.incidents.views.incidents.record_incident", side_effect=full):
        response = client.post("/incidents/record/", GOOD)
    assert response.status_code == 507
    assert "nothing from this request was saved" in response.content.decode()


def test_only_a_full_disk_is_treated_as_one():
    assert is_out_of_space(OSError(errno.ENOSPC, "No space left on device"))
    assert is_out_of_space(OperationalError("database or disk is full"))
    assert not is_out_of_space(OSError(errno.EACCES, "Permission denied"))
    assert not is_out_of_space(OperationalError("no such table: incidents_incident"))
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    assert is_out_of_space(wrapped)
