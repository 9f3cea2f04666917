"""The workspace of a large incident (issue 16): a bounded number of queries, and its long lists cut.

At 1,000,000 incidents the large incident's workspace (300 actions, comments, files, corrective actions and
notifications) took 685 queries and seconds: a profile query per containment action's time, an evidence query
per file. The number of queries must not grow with the rows; each long list shows its latest rows, with the
count and a link showing them all.
"""

from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidentdesk.capa.models import CorrectiveAction
from incidentdesk.comments.models import Comment
from incidentdesk.containment.models import ContainmentAction
from incidentdesk.evidence.models import Evidence
from incidentdesk.incidents.page import LATEST
from incidentdesk.lessons.models import Lesson
from incidentdesk.notifications.models import Notification

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def add_rows(incident, people, n: int, start: int = 0) -> None:
    """``n`` rows of each kind the workspace lists, assigned to different people (a join, not a query each)."""
    who = list(people.values())
    for k in range(start, start + n):
        at, person = AT + timedelta(minutes=k), who[k % len(who)]
        ContainmentAction.objects.create(incident=incident, kind="other", description=f"Step {k}", taken_at=at,
                                         taken_by="bench", assignee=person, due_at=at + timedelta(days=1))
        Comment.objects.create(incident=incident, author=person, author_name=person.username,
                               body=f"Note {k}", created_at=at)
        old = Evidence.objects.filter(incident=incident).order_by("-pk").first()
        Evidence.objects.create(incident=incident, file=f"bench/{k}.txt", original_name=f"log-{k}.txt",
                                content_type="text/plain", size=10 + k, sha256=f"{k:064x}",
                                added_by_name="bench", supersedes=old if k % 2 else None)
        CorrectiveAction.objects.create(incident=incident, description=f"Action {k}", assignee=person,
                                        due_on=date(2026, 12, 20))
        Notification.objects.create(incident=incident, recipient=f"Partner {k}", sent_at=at)
        Lesson.objects.create(incident=incident, target="procedure", text=f"Lesson {k}", assignee=person)


def workspace_queries(client, incident) -> tuple[int, str]:
    """The queries of one workspace request, and its page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/incidents/{incident.reference}/")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_workspace_takes_the_same_queries_with_two_rows_or_forty(as_person, record, people):
    incident = record()
    client = as_person("manager")
    add_rows(incident, people, 2)
    few, _ = workspace_queries(client, incident)
    add_rows(incident, people, 38, start=2)
    many, _ = workspace_queries(client, incident)
    assert many == few, f"{few} queries with 2 rows of each kind, {many} with 40: a query per row"
    assert few < 100


def test_a_long_list_shows_its_latest_rows_with_the_count_and_a_link_to_all(as_person, record, people):
    incident = record()
    add_rows(incident, people, LATEST + 5)
    client = as_person("manager")
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert f"The latest {LATEST} of {LATEST + 5}" in page
    assert f": Step {LATEST + 4} · " in page  # the latest kept
    assert ": Step 4 · " not in page  # the oldest left out
    assert "?step=contain&amp;all=containment#containment-all" in page
    everything = client.get(f"/incidents/{incident.reference}/?step=contain&all=containment").content.decode()
    assert all(f": Step {k} · " in everything for k in range(LATEST + 5))
    assert everything.count(f"The latest {LATEST} of {LATEST + 5}") == page.count(f"The latest {LATEST} of") - 1
