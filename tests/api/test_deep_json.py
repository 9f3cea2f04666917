"""A deeply nested JSON body is refused as a 422 problem before anything walks it (found by an attacker:
100,000 levels of ``[`` raised a RecursionError, a 500; a few hundred loaded and broke the NUL check)."""

import pytest

from conftest import table_counts
from incidentdesk import jsonbody


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [100_000, 900, jsonbody.MAX_DEPTH + 1])
def test_a_deeply_nested_body_is_refused_as_a_problem_and_nothing_is_stored(api, record, levels):
    incident = record()
    before = table_counts()
    bodies = [("post", "/incidents", '{"title": "t", "description": "d", "facts": {"x": ' + nested(levels) + '}}'),
              ("patch", f"/incidents/{incident.reference}/facts", '{"changes": {"facts": ' + nested(levels) + '}}'),
              ("post", f"/incidents/{incident.reference}/classify", nested(levels))]
    for method, path, body in bodies:
        response = api(method, path, data=body, content_type="application/json")
        assert response.status_code == 422, (path, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
        assert "nested too deeply" in response.json()["detail"]
    assert table_counts() == before


def test_a_body_within_the_limit_still_reaches_validation(api, record):
    incident = record()
    body = '{"level": 2, "reasoning": ' + nested(jsonbody.MAX_DEPTH - 1) + '}'
    response = api("post", f"/incidents/{incident.reference}/classify", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "nested too deeply" not in response.json()["detail"]


def test_depth_is_measured_without_recursion():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert jsonbody.depth(value) == 100_001
    assert jsonbody.depth({"a": [1, {"b": 2}]}) == 3
    assert jsonbody.depth("text") == 0
