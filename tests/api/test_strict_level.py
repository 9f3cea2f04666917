"""A level is a JSON integer: ``true`` was coerced to 1 by pydantic and classified the incident (found by an
attacker); booleans, floats and strings are now refused with a 422 problem and nothing changes."""

import pytest

from conftest import table_counts


@pytest.mark.parametrize("level", [True, False, 2.0, "2"])
def test_classify_refuses_a_level_that_is_not_an_integer(api, record, level):
    incident = record()
    before = table_counts()
    response = api("post", f"/incidents/{incident.reference}/classify", json={"level": level, "reasoning": "x"})
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "level" in response.json()["detail"]
    assert table_counts() == before


def test_classify_takes_an_integer_level(api, record):
    incident = record()
    response = api("post", f"/incidents/{incident.reference}/classify", json={"level": 3, "reasoning": "x"})
    assert response.status_code == 200
    assert response.json()["severity_level"] == 3
