"""The dashboard's figures."""

from datetime import date, timedelta

from conftest import NOW


def test_overdue_corrective_actions_and_time_to_contain_show(as_person, people, record, manager, time_machine):
    from incidentdesk.capa.services import plan
    from incidentdesk.containment.services import contain

    time_machine.move_to(NOW, tick=False)  # the dashboard counts the last 12 months from today

    incident = record(detected_at=NOW - timedelta(hours=3))
    contain(incident=incident, kind="stop_operation", taken_at=NOW - timedelta(hours=1), taken_by="Ana", by=manager,
            now=NOW)
    plan(incident=incident, description="Retrain the reviewers", assignee=people["responder"], due_on=date(2020, 1, 1), by=manager)
    page = as_person("manager").get("/").content.decode()
    assert "Retrain the reviewers" in page.split('id="overdue-actions"')[1]
    assert "2 h" in page
    assert "2.0 h" not in page
