"""Migration capa 0002: a corrective action's free-text owner becomes a person, or stays readable in the text."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("capa", "0001_initial")]
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.slow
@pytest.mark.usefixtures("transactional_register")
def test_an_owner_text_naming_one_person_becomes_that_person_and_any_other_text_stays_in_the_description():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps
        users = old.get_model("auth", "User").objects
        ana = users.create(username="ana", first_name="Ana", last_name="Peeters")
        bo = users.create(username="bo")
        incident = old.get_model("incidents", "Incident").objects.create(
            reference="INC-2026-001", year=2026, number=1, title="t", description="d", detected_at=AT)
        actions = old.get_model("capa", "CorrectiveAction").objects
        for description, owner in (("By full name", "ana peeters"), ("By username", "BO"), ("A team", "IT desk")):
            actions.create(incident=incident, description=description, owner=owner, due_on=date(2026, 12, 1))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    from incidentdesk.capa.models import CorrectiveAction

    rows = {a.description.split("\n")[0]: a for a in CorrectiveAction.objects.all()}
    assert rows["By full name"].assignee_id == ana.pk
    assert rows["By username"].assignee_id == bo.pk
    assert rows["A team"].assignee_id is None
    assert rows["A team"].description.endswith("Owner before owners were people in IncidentDesk: IT desk")
    assert not hasattr(rows["A team"], "owner")
