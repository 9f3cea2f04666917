"""The OpenAPI document declares every response the API gives, and the API refuses what the document refuses
(found by schemathesis with all its checks: problem+json and 400 undeclared, a GDPR body documented with
the lessons' fields, lax coercion of JSON types, HTML pages for API paths that match no route)."""

import pytest
from pydantic import BaseModel

from conftest import table_counts


@pytest.fixture
def document(client, db):
    return client.get("/api/openapi.json").json()


def _operations(document):
    return [(path, method, operation) for path, methods in document["paths"].items()
            for method, operation in methods.items()]


def test_every_error_response_is_declared_as_problem_details(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        expected = {"401", "403", "409", "413", "422"} | ({"404"} if "{" in path else set()) | (
            {"400"} if "requestBody" in operation else set())
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"], (method, path, status)
        assert "WWW-Authenticate" in responses["401"]["headers"], (method, path)


def test_the_gdpr_decision_is_documented_with_its_own_fields(document):
    body = document["paths"]["/api/incidents/{reference}/gdpr-decision"]["post"]["requestBody"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"notify_authority", "communicate_subjects", "reasons"} <= set(
        document["components"]["schemas"][name]["properties"])


def test_two_different_schemas_under_one_name_are_refused(db):
    from django.core.exceptions import ImproperlyConfigured
    from ninja import Router

    from incidentdesk.api_base import PROBLEMS, DocumentedAPI

    def twin(field: str):
        return type("Twin", (BaseModel,), {"__annotations__": {field: int}})

    api, router = DocumentedAPI(urls_namespace="twins"), Router()
    router.post("/a", response={200: twin("a"), **PROBLEMS})(lambda request: None)
    router.post("/b", response={200: twin("b"), **PROBLEMS})(lambda request: None)
    api.add_router("", router)
    with pytest.raises(ImproperlyConfigured, match="Twin"):
        api.get_openapi_schema(path_prefix="/twins/")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/lessons/{lesson}/decision", {"accept": "yes"}, "accept"),
    ("/lessons/{lesson}/decision", {"accept": 1}, "accept"),
    ("/gdpr-decision", {"notify_authority": "true", "communicate_subjects": False, "reasons": "x"},
     "notify_authority"),
    ("/containment", {"kind": "other", "description": "x", "taken_at": 1763625600, "taken_by": "IT"},
     "taken_at"),
    ("/containment", {"kind": "other", "description": "x", "taken_at": "1763625600", "taken_by": "IT"},
     "taken_at"),
    ("/classify", {"level": 2.5, "reasoning": "x"}, "level"),  # a guard: strict since the level's own fix
])
def test_a_json_value_of_the_wrong_type_is_refused_and_changes_nothing(api, workspace, path, body, field):
    incident, ids = workspace
    url = f"/incidents/{incident.reference}" + path.format(lesson=ids["lesson"], action=ids["action"])
    before = table_counts()
    response = api("post", url, json=body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["detail"]
    assert table_counts() == before


def test_a_date_is_written_as_a_date(api, people):
    before = table_counts()
    response = api("post", "/contacts", json={"kind": "hr", "name": "HR", "last_verified_on": "0"})
    assert response.status_code == 422, response.content  # was stored as 1970-01-01 (schemathesis, 10x campaign)
    assert "last_verified_on" in response.json()["detail"]
    assert table_counts() == before


def test_a_path_that_matches_no_api_route_is_a_404_problem(api, people):
    for method, path in (("post", "/contacts/not-a-number/verified"), ("get", "/incidents/INC-1/evidence/x/file"),
                         ("get", "/no-such-thing")):
        response = api(method, path)
        assert response.status_code == 404, (path, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"


def test_the_register_query_lists_what_it_accepts(document):
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/incidents"]["get"]["parameters"]}
    assert "misinformation_hallucination" in parameters["category"]["anyOf"][0]["enum"]
    assert "open" in parameters["status"]["anyOf"][0]["enum"]
