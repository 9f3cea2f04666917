"""The JSON API through HTTP: token scopes, role limits, problem details, cursor pagination, bad input."""

from urllib.parse import parse_qs, urlparse

import pytest

from conftest import table_counts
from incidentdesk.accounts.tokens import create_token, revoke_token

BODY = {"title": "Chatbot invented a refund policy", "description": "Told a client 90 days.",
        "detected_at": "2026-11-20T09:00:00+01:00", "facts": {"published_externally": True, "personal_data": {"involved": False}}}


@pytest.fixture
def token(people):
    def _token(persona="manager", scopes=("read", "write")):
        return create_token(user=people[persona], name="test", scopes=list(scopes), by=None)[1]
    return _token


def call(client, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if "json" in kwargs:
        kwargs = {"data": kwargs.pop("json"), "content_type": "application/json"} | kwargs
    return getattr(client, method)(f"/api{path}", headers=headers, **kwargs)


def test_recording_and_reading_an_incident(client, token):
    written = call(client, "post", "/incidents", token(), json=BODY)
    assert written.status_code == 201, written.content
    reference = written.json()["reference"]
    read = call(client, "get", f"/incidents/{reference}", token(scopes=["read"]))
    assert read.json()["severity_level"] == 2
    assert any(o["rule_id"] == "PROC-4-L2-CORRECT" for o in read.json()["obligations"])


def test_a_read_token_cannot_write(client, token):
    response = call(client, "post", "/incidents", token(scopes=["read"]), json=BODY)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Forbidden"


def test_a_token_of_a_person_demoted_to_viewer_is_a_viewer_at_once(client, token, people):
    from incidentdesk.accounts.services import set_role

    text = token("responder")
    set_role(user=people["responder"], role="viewer", by=None)
    response = call(client, "post", "/incidents", text, json=BODY)
    assert response.status_code == 403
    assert response.json()["status"] == 403


def test_a_revoked_or_forged_token_is_refused(client, people):
    row, text = create_token(user=people["manager"], name="t", scopes=["read"], by=None)
    assert call(client, "get", "/incidents", text).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    revoke_token(token=row, by=None)
    assert call(client, "get", "/incidents", text).status_code == 401
    assert call(client, "get", "/incidents", text[:-2] + "xx").status_code == 401
    assert call(client, "get", "/incidents").status_code == 401


def test_only_the_hash_of_a_token_is_stored(people):
    row, text = create_token(user=people["manager"], name="t", scopes=["read"], by=None)
    assert text.split("_")[2] not in (row.digest, row.prefix)


def test_bad_input_is_a_problem_and_stores_nothing(client, token):
    text = token()
    before = table_counts()
    response = call(client, "post", "/incidents", text, json=BODY | {"detected_at": "2026-11-20T09:00:00"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "timezone" in response.json()["detail"].lower()
    future = call(client, "post", "/incidents", text, json=BODY | {"detected_at": "2099-01-01T00:00:00Z"})
    assert future.status_code == 422
    assert "lies in the future" in future.json()["detail"]
    assert table_counts() == before


def test_an_unknown_incident_is_a_404_problem(client, token):
    response = call(client, "get", "/incidents/INC-2026-999", token(scopes=["read"]))
    assert response.status_code == 404
    assert response.json()["instance"] == "/api/incidents/INC-2026-999"


def test_a_refused_transition_is_a_409_listing_what_is_missing(client, token, record):
    incident = record()
    response = call(client, "post", f"/incidents/{incident.reference}/transition", token(), json={"to": "closed"})
    assert response.status_code == 409
    assert "containment" in response.json()["detail"]


def test_cursor_pagination_walks_the_register_without_gaps(client, token, record):
    from datetime import UTC, datetime, timedelta

    refs = {record(title=f"Incident {n}", detected_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=n))
            .reference for n in range(7)}
    seen, cursor, reader = [], None, token(scopes=["read"])
    for _ in range(5):
        page = call(client, "get", "/incidents", reader,
                    data={"page_size": 3} | ({"cursor": cursor} if cursor else {})).json()
        assert "results" in page, page
        seen += [r["reference"] for r in page["results"]]
        cursor = page["next"] and parse_qs(urlparse(page["next"]).query)["cursor"][0]
        if not cursor:
            break
    assert sorted(seen) == sorted(refs)
    assert len(seen) == len(set(seen))


def test_the_register_filters_apply(client, token, record):
    record(title="Résumé screening ranked women lower")
    record(title="Chatbot invented a refund policy")
    page = call(client, "get", "/incidents", token(scopes=["read"]), data={"q": "screening"}).json()
    assert [r["title"] for r in page["results"]] == ["Résumé screening ranked women lower"]


def test_changing_facts_recomputes_and_the_what_if_stores_nothing(client, token, record):
    incident = record()
    response = call(client, "patch", f"/incidents/{incident.reference}/facts", token(),
                    json={"changes": {"harm.death": True}})
    assert response.json()["severity_level"] == 4
    reader = token(scopes=["read"])
    before = table_counts()
    what_if = call(client, "post", "/assess", reader,
                   json={"detected_at": "2026-11-20T09:00:00Z", "personal_data": {"involved": True}})
    assert what_if.json()["severity"]["level"] == 3
    assert table_counts() == before


def test_the_docs_page_uses_no_cdn(client, db):
    page = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert client.get("/api/openapi.json").json()["info"]["title"] == "IncidentDesk API"


def test_a_nul_character_is_refused_before_it_reaches_the_database(client, token):
    text = token()
    before = table_counts()
    response = call(client, "post", "/incidents", text, json=BODY | {"title": "bad\u0000title"})
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]
    assert call(client, "get", "/incidents", text, data={"q": "a\x00b"}).status_code in (400, 422)
    assert table_counts() == before


def test_a_forged_cursor_is_a_problem_not_a_server_error(client, token):
    """Found by a review: base64 of "p=x' OR 1=1--" reached the date filter and answered 500."""
    response = call(client, "get", "/incidents?page_size=5&cursor=cD14JyBPUiAxPTEtLQ==", token(scopes=["read"]))
    assert response.status_code == 422
    assert "cursor" in response.json()["detail"]


def test_a_reporter_token_does_not_read_the_inventory(client, token):
    """As on the inventory page (403): a reporter follows its reports, it does not read the inventory."""
    assert call(client, "get", "/inventory", token("reporter", ("read",))).status_code == 403
