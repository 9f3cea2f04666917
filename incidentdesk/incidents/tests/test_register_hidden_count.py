"""The register counts what a person may see by subtracting the hidden incidents among the matches (decision 250):
the same figure as counting ``visible_to`` itself, for every filter, role and exercise choice, with no restricted
incident among the rows and none told as a hidden exercise."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidentdesk.incidents.access import restrict
from incidentdesk.incidents.filters import RegisterFilter
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.register import register_page

PERSONAL = {"published_externally": False, "personal_data": {"involved": True, "lost": ["confidentiality"]}}
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
PARAMS = [{}, {"severity_min": 3}, {"status": "open"}, {"regime": "gdpr"}, {"q": "chatbot"}, {"overdue": "true"},
          {"exercises": "include"}, {"exercises": "only"}, {"sort": "severity", "severity_min": 1},
          {"exercises": "include", "regime": "gdpr"}]


@pytest.fixture
def register(record, people):
    """Real incidents and exercises, some restricted to the responder only (hidden from the viewer and the
    administrator), one restricted exercise among them."""
    made = []
    for k in range(8):
        extra = {"facts": PERSONAL} if k % 2 else {}
        made.append(record(title=f"Chatbot {k}", detected_at=datetime(2026, 11, 1 + k, 8, tzinfo=UTC),
                           exercise=k in (2, 5), **extra))
    for incident in (made[1], made[4], made[5]):
        restrict(incident=incident, restricted=True, people=[people["responder"]], by=people["manager"])
    return made


def _expected(user, params) -> tuple[int, int]:
    """The count and the hidden exercises as counting ``visible_to`` itself gives them (the slow way)."""
    visible = Incident.objects.visible_to(user)
    matches = RegisterFilter(params, queryset=visible, user=user)
    shown = matches.qs.count()
    exercises = 0 if params.get("exercises") else super(RegisterFilter, matches).qs.filter(is_exercise=True).count()
    return shown, exercises


@pytest.mark.parametrize("who", ["viewer", "administrator", "responder", "reporter"])
def test_the_count_equals_counting_what_the_person_may_see(register, people, who):
    user = people[who]
    with time_machine.travel(NOW + timedelta(days=30), tick=False):  # some clocks are overdue by then
        for params in PARAMS:
            page = register_page(user=user, params=params)
            count, exercises = _expected(user, params)
            assert page.page.paginator.count == count == len(page.rows), (who, params)
            assert page.hidden_exercises == exercises, (who, params)
            shown = {incident.pk for incident, _ in page.rows}
            assert shown <= set(Incident.objects.visible_to(user).values_list("pk", flat=True)), (who, params)


def test_hidden_incidents_are_not_counted_nor_shown_to_the_viewer(register, people):
    page = register_page(user=people["viewer"], params={"exercises": "include"})
    assert page.page.paginator.count == 5  # 8 less the three restricted ones
    assert {i.pk for i, _ in page.rows}.isdisjoint({register[1].pk, register[4].pk, register[5].pk})
    # The restricted exercise is not told as "hidden" either: its reference is found nowhere.
    assert register_page(user=people["viewer"], params={}).hidden_exercises == 1
    assert register_page(user=people["responder"], params={}).hidden_exercises == 2
    assert register_page(user=people["responder"], params={}).page.paginator.count == 6


def test_the_count_has_no_not_in_over_the_whole_register(register, people):
    """The count of the matches carries no "id not in (…)" (the check of every index entry at a million)."""
    with CaptureQueriesContext(connection) as queries:
        register_page(user=people["viewer"], params={})
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts
    assert all("NOT" not in sql.upper() for sql in counts), counts


def test_the_api_list_leaves_the_hidden_incidents_out(register, people):
    rows = RegisterFilter.for_person({"exercises": "include"}, people["viewer"]).qs
    assert set(rows.values_list("pk", flat=True)) == {register[k].pk for k in (0, 2, 3, 6, 7)}


def test_the_register_page_reads_no_hold_or_zone_per_row(register, people, client):
    """The rows' legal-hold badges come with the page (decision 251): as many queries for 3 holds as for none."""
    from incidentdesk.retention import services as retention

    client.force_login(people["viewer"])
    with CaptureQueriesContext(connection) as before:
        assert client.get("/incidents/").status_code == 200
    for incident in (register[0], register[3], register[6]):
        retention.place_hold(incident=incident, reason="Claim pending", by=people["administrator"])
    with CaptureQueriesContext(connection) as after:
        response = client.get("/incidents/")
    assert len(after.captured_queries) == len(before.captured_queries)
    assert response.content.count(b"hold") >= 3
    sql = [q["sql"] for q in after.captured_queries]
    assert sum("retention_legalhold" in q for q in sql) == 1  # one for the page, not one per row
    assert sum('FROM "organisation_organisation"' in q for q in sql) <= 2  # the zone read once, not per row
