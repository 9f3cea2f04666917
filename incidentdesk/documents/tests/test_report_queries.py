"""The incident report's data is read in a fixed number of queries, however many rows the incident has.

The large incident of the 1,000,000-incident bench (300 corrective actions, evidence, containment actions)
took 354 queries for its report: one per corrective action to name its owner, among others.
"""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.usefixtures("evidence_dir")  # conftest.py: evidence in a folder per test


def _rows(incident, people, n: int, start: int) -> None:
    """n more corrective actions (each with an owner), evidence files and containment actions."""
    from django.utils import timezone

    from incidentdesk.capa.models import CorrectiveAction
    from incidentdesk.containment.services import contain
    from incidentdesk.evidence.services import add_evidence

    users = list(people.values())
    for i in range(start, start + n):
        CorrectiveAction.objects.create(incident=incident, description=f"Action {i}", assignee=users[i % len(users)],
                                        due_on=date(2026, 12, 1))
        add_evidence(incident=incident, stream=io.BytesIO(f"log {i}\n".encode()), name=f"log-{i}.txt",
                     by=users[i % len(users)])
        contain(incident=incident, kind="other", taken_at=timezone.now(), taken_by=f"Person {i}",
                by=users[i % len(users)], description=f"Step {i}")


def test_the_report_reads_the_same_number_of_queries_for_one_row_or_many(record, people):
    from incidentdesk.documents.report import sections

    incident = record()
    reader = people["administrator"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            sections(incident, reader)
        return len(captured)

    _rows(incident, people, 1, 0)
    queries()  # warm: what a process reads once (the rule files' snapshots) is not the report's
    one = queries()
    _rows(incident, people, 4, 1)
    assert queries() == one
