"""Free-text search index: FTS5 trigram table on SQLite, pg_trgm GIN index on PostgreSQL."""

from django.db import migrations

from incidentdesk.incidents import search


def forwards(apps, schema_editor):
    search.install(schema_editor.connection)


def backwards(apps, schema_editor):
    search.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
