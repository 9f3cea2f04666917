"""The migrations move the old second records into the step records before dropping them.

ActionTaken rows become containment actions ("other", result pending, taken by the recorder's
username or "not recorded"); a non-empty rca_outcome without an analysis becomes a draft analysis
whose "why" holds the text; a non-empty resulting_changes becomes a proposed lesson for the procedure
(lines that an accepted lesson wrote there are not duplicated).
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incidents", "0006_severity_desc_index"), ("containment", "0001_initial"),
          ("investigation", "0001_initial"), ("lessons", "0002_change_log_outlives_lessons")]
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.slow
@pytest.mark.usefixtures("transactional_register")
def test_the_old_records_are_moved_then_dropped():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        user = old.get_model("auth", "User").objects.create(username="ana")
        incident_model = old.get_model("incidents", "Incident")

        def incident(number, **fields):
            return incident_model.objects.create(reference=f"INC-2026-{number:03d}", year=2026, number=number,
                                                 title="t", description="d", detected_at=AT, **fields)

        acted = incident(1, rca_outcome="  Model drifted  ", resulting_changes="Add a weekly review")
        old.get_model("incidents", "ActionTaken").objects.create(incident=acted, taken_at=AT,
                                                                 description="Switched it off", recorded_by=user)
        old.get_model("incidents", "ActionTaken").objects.create(incident=acted, taken_at=AT,
                                                                 description="Told the client")
        analysed = incident(2, rca_outcome="Why: x\nWhat changes: y",
                            resulting_changes="AI usage policy: Section 4 (lesson from INC-2026-002)")
        old.get_model("investigation", "RootCauseAnalysis").objects.create(
            incident=analysed, what_happened="a", why="x", what_was_done="b", impact="c", what_changes="y",
            cause_categories=["tool_failure"], completed_at=AT)
        lesson = old.get_model("lessons", "Lesson").objects.create(incident=analysed, target="policy", text="x",
                                                                   status="accepted")
        old.get_model("lessons", "DocumentChange").objects.create(
            document="policy", changed_on=AT.date(), lesson=lesson, recorded_by="ana",
            summary="Section 4 (lesson from INC-2026-002)")
        incident(3, rca_outcome="   ", resulting_changes="")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    from incidentdesk.containment.models import ContainmentAction
    from incidentdesk.incidents.models import Incident
    from incidentdesk.investigation.models import RootCauseAnalysis
    from incidentdesk.lessons.models import Lesson

    actions = {a.description: a for a in ContainmentAction.objects.filter(incident__reference="INC-2026-001")}
    assert {(a.kind, a.result, a.taken_at) for a in actions.values()} == {("other", "pending", AT)}
    assert actions["Switched it off"].taken_by == "ana"
    assert actions["Switched it off"].recorded_by.username == "ana"
    assert actions["Told the client"].taken_by == "not recorded"

    draft = RootCauseAnalysis.objects.get(incident__reference="INC-2026-001")
    assert (draft.why, draft.completed_at) == ("Model drifted", None)
    assert RootCauseAnalysis.objects.get(incident__reference="INC-2026-002").why == "x"  # not replaced
    assert not RootCauseAnalysis.objects.filter(incident__reference="INC-2026-003").exists()

    moved = Lesson.objects.get(incident__reference="INC-2026-001")
    assert (moved.target, moved.status, moved.text) == ("procedure", "proposed", "Add a weekly review")
    assert Lesson.objects.filter(incident__reference="INC-2026-002").count() == 1  # the accepted one only
    assert not Lesson.objects.filter(incident__reference="INC-2026-003").exists()
    assert not hasattr(Incident, "rca_outcome")
    assert "incidents_actiontaken" not in connection.introspection.table_names()
