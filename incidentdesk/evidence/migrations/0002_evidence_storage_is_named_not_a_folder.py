"""The evidence field names its storage by a function, not by the folder of whoever made migration 0001.

Nothing changes in the database (the storage is not a column), so the change is made to the migration
state only: on SQLite an AlterField would rebuild the evidence table for nothing.
"""

from django.db import migrations, models

import incidentdesk.evidence.models


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='evidence',
                    name='file',
                    field=models.FileField(max_length=300, storage=incidentdesk.evidence.models.evidence_files,
                                           upload_to=incidentdesk.evidence.models.evidence_path),
                ),
            ],
            database_operations=[],
        ),
    ]
