"""The plain register and incident pages: sign-in required, filters applied, unknown ids answered 404."""

import pytest


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_the_register_asks_for_sign_in(client, db):
    response = client.get("/incidents/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_register_lists_incidents_with_their_next_deadline(signed_in, record):
    incident = record(title="Chatbot invented a refund policy")
    response = signed_in.get("/incidents/")
    assert response.status_code == 200
    page = response.content.decode()
    assert incident.reference in page
    assert "Chatbot invented a refund policy" in page


def test_the_register_filters_by_text(signed_in, record):
    record(title="Chatbot invented a refund policy")
    record(title="Résumé screening ranked women lower")
    page = signed_in.get("/incidents/", {"q": "screening"}).content.decode()
    assert "Résumé screening" in page
    assert "refund policy" not in page


def test_the_incident_page_shows_severity_and_obligations(signed_in, record):
    incident = record()
    page = signed_in.get(f"/incidents/{incident.reference}/").content.decode()
    assert incident.reference in page
    legal = incident.obligations.exclude(citation__icontains="procedure").order_by("pk").first()
    assert legal.citation in page  # an article as cited; the procedure's own references are links in words


def test_an_unknown_incident_is_a_404_with_a_message(signed_in, db, organisation):
    response = signed_in.get("/incidents/INC-2026-999/")
    assert response.status_code == 404
    assert "INC-2026-999" in response.content.decode()
