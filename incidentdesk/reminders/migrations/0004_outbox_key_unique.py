"""The outbox, second step: every delivery has its own key now, so the key becomes unique; the old yes/no
outcome is replaced by the status (a separate migration so PostgreSQL alters the table after the data
migration's transaction)."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0003_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="delivery",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True,
                                   help_text="Sent with every attempt so receivers can drop duplicates"),
        ),
        migrations.RemoveField(
            model_name="delivery",
            name="ok",
        ),
        migrations.AlterField(
            model_name="delivery",
            name="body",
            field=models.TextField(help_text="Exactly what is sent: the email text, or the webhook's JSON"),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["reminder", "status"], name="delivery_outbox"),
        ),
    ]
