"""Each incident's regimes as a column (decision 216): added without rebuilding the table, filled in one
set-based statement, and one partial index per regime and register order.

SQLite rebuilds a table for Django's ``AddField`` of a NOT NULL column (a copy of every incident, and the
search index rebuilt after it); ``ADD COLUMN … NOT NULL DEFAULT 0`` is instant on SQLite and PostgreSQL alike,
so the database side is written by hand and the state side is Django's. Backwards: the indexes go, then the
column (SQLite ≥ 3.35 drops a column).
"""

from django.db import migrations, models

import incidentdesk.incidents.regimes


def backfill(apps, schema_editor):
    incidentdesk.incidents.regimes.backfill(schema_editor.connection)


def _index(regime: str, suffix: str, fields: list[str]) -> migrations.AddIndex:
    return migrations.AddIndex(model_name="incident", index=models.Index(
        condition=models.Q(("regimes__has", regime)), fields=fields, name=f"inc_{regime}_{suffix}"))


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0015_merge_20261202_0725"),
        ("obligations", "0004_obligations_assignee"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(
                "ALTER TABLE incidents_incident ADD COLUMN regimes integer NOT NULL DEFAULT 0",
                "ALTER TABLE incidents_incident DROP COLUMN regimes")],
            state_operations=[migrations.AddField(
                model_name="incident",
                name="regimes",
                field=incidentdesk.incidents.regimes.RegimeSet(
                    db_default=0, default=0, editable=False,
                    help_text="The regimes with an obligation that is pending, may apply or is done, one bit each: "
                              "derived from the obligations by regimes.refresh, never written otherwise"),
            )],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        # Exercises are few: the register counts real incidents as "not one of these" (decision 217).
        migrations.AddIndex(model_name="incident", index=models.Index(
            condition=models.Q(("is_exercise", True)), fields=["is_exercise"], name="incident_exercise")),
        *(_index(regime, suffix, fields) for regime in incidentdesk.incidents.regimes.BITS
          for suffix, fields in (("new", ["-detected_at"]), ("sev", ["-severity_level", "-detected_at"]))),
    ]
