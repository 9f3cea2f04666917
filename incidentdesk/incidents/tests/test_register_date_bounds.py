"""Date filters at the edges of the calendar: 9999-12-31 has no next day and 0001-01-01 in Brussels is
before year 1 in UTC. Both were 500s (found by an attacker); a bound beyond the calendar excludes nothing."""

import pytest


@pytest.mark.parametrize("params", [{"detected_to": "9999-12-31"}, {"detected_from": "0001-01-01"},
                                    {"detected_from": "0001-01-01", "detected_to": "9999-12-31"}])
def test_the_web_register_takes_dates_at_the_edges_of_the_calendar(record, as_person, params):
    incident = record()
    page = as_person("manager").get("/incidents/", params)
    assert page.status_code == 200
    assert [r.reference for r in page.context["page"].object_list] == [incident.reference]


def test_the_web_register_finds_nothing_from_the_last_day_of_the_calendar(record, as_person):
    record()
    page = as_person("manager").get("/incidents/", {"detected_from": "9999-12-31"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0


@pytest.mark.parametrize("params", [{"detected_to": "9999-12-31"}, {"detected_from": "0001-01-01"}])
def test_the_api_register_takes_dates_at_the_edges_of_the_calendar(record, client, people, params):
    from incidentdesk.accounts.tokens import create_token

    incident = record()
    token = create_token(user=people["manager"], name="t", scopes=["read"], by=None)[1]
    response = client.get("/api/incidents", params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    assert [i["reference"] for i in response.json()["results"]] == [incident.reference]
