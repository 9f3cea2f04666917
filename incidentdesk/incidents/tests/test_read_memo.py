"""A reading request asks which restricted incidents are hidden once; a writing request sees its own change."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import NOW
from incidentdesk.readmemo import remembered


def _hidden_queries(queries) -> int:
    return sum(1 for q in queries if "incidentaccess" in q["sql"].lower() and "restricted" in q["sql"].lower())


def test_without_a_request_every_call_computes():
    calls = []
    assert remembered("k", lambda: calls.append(1) or len(calls)) == 1
    assert remembered("k", lambda: calls.append(1) or len(calls)) == 2


def test_the_dashboard_and_the_workspace_ask_once(as_person, people, record, time_machine):
    from incidentdesk.incidents.access import restrict

    time_machine.move_to(NOW, tick=False)
    hidden = record(detected_at=NOW - timedelta(hours=2), title="Kept from the viewer")
    restrict(incident=hidden, restricted=True, people=[], by=people["manager"])
    shown = record(detected_at=NOW - timedelta(hours=1))
    client = as_person("viewer")
    for url in ("/", f"/incidents/{shown.reference}/", "/incidents/"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200, url
        assert "Kept from the viewer" not in page.content.decode(), url
        assert _hidden_queries(queries.captured_queries) == 1, url


def test_two_requests_do_not_share_an_answer(as_person, people, record, time_machine):
    from incidentdesk.incidents.access import restrict

    time_machine.move_to(NOW, tick=False)
    incident = record(detected_at=NOW - timedelta(hours=1), title="Restricted between two pages")
    client = as_person("viewer")
    assert "Restricted between two pages" in client.get("/incidents/").content.decode()
    restrict(incident=incident, restricted=True, people=[], by=people["manager"])
    assert "Restricted between two pages" not in client.get("/incidents/").content.decode()
