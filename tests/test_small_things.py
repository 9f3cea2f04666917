"""Issue 13's small things: durations in words, the visitor's 404 with DEBUG on, a 403 without a traceback."""

import logging
from datetime import timedelta

import pytest
from django.template import Context, Template

from incidentdesk.durations import in_words


@pytest.mark.parametrize(("value", "words"), [
    (960.0, "40 days"), (3 + 20 / 60, "3 h 20 min"), (2.0, "2 h"), (0.5, "30 min"), (0, "less than a minute"),
    (30, "1 day 6 h"), (48, "2 days"), (timedelta(days=9, hours=13), "10 days"), (None, ""),
    (timedelta(minutes=-90), "-1 h 30 min"),
])
def test_a_duration_reads_in_words(value, words):
    assert in_words(value) == words


def test_the_template_filter_is_everywhere_without_a_load():
    assert Template("{{ h|duration }} / {{ n|duration }}").render(Context({"h": 960.0, "n": None})) == "40 days / —"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def test_with_debug_on_an_unknown_address_is_the_visitors_404_without_url_patterns(debug, as_person):
    response = as_person("manager").get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing at this address." in page
    assert "URLconf" not in page
    assert "incidents/&lt;str:reference&gt;" not in page
    assert "DEBUG = True" not in page


def test_with_debug_on_a_restricted_incident_is_the_visitors_404(debug, as_person, people, record):
    incident = record()
    from incidentdesk.incidents import access

    access.restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    response = as_person("viewer").get(f"/incidents/{incident.reference}/")
    page = response.content.decode()
    assert response.status_code == 404
    assert f"No incident {incident.reference} that you can see." in page
    assert "URLconf" not in page
    assert "Traceback" not in page
    assert "DEBUG = True" not in page


def test_with_debug_on_an_unknown_api_route_is_problem_details(debug, as_person):
    response = as_person("manager").get("/api/no-such-route")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_address_without_a_slash_still_gets_its_slash(debug, as_person):
    assert as_person("manager").get("/incidents").status_code == 301


def test_an_ordinary_403_logs_one_line_without_a_traceback(as_person, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = as_person("viewer").get("/incidents/record/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    assert "Forbidden" in records[0].getMessage()
    assert all(r.exc_info is None for r in records)
