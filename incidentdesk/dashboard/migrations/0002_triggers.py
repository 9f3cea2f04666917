"""The triggers that keep the dashboard's rollups equal to the incidents, and the first fill (decision 206).

Forwards: create the triggers, then ``rollups.rebuild`` (set-based INSERT … SELECT over every incident, keyed
by the organisation's days). Backwards: drop the triggers (0001's reverse drops the tables).
"""

from django.db import migrations

from incidentdesk.dashboard import rollups, triggers


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in triggers.create(schema_editor.connection.vendor):
            cursor.execute(statement)
    organisation = apps.get_model("organisation", "Organisation").objects.filter(pk=1).first()
    rollups.rebuild(getattr(organisation, "time_zone", "") or "UTC", apps.get_model("dashboard", "ZoneOffset"))


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in triggers.drop(schema_editor.connection.vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("incidents", "0015_merge_20261202_0725"),
        ("obligations", "0004_obligations_assignee"),
        ("containment", "0003_containment_assignee"),
        ("organisation", "0009_merge_20261202_0718"),
    ]

    operations = [migrations.RunPython(create, drop)]
