"""The outbox (issue 10): a delivery gets a status, its attempt times, the person it reminds and a key that
stays the same across retries. Rows from before keep their outcome (ok → delivered, else failed) and each
gets its own key (added nullable, filled row by row, then made unique: a default would give all one key)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def outcome_and_key(apps, schema_editor):
    Delivery = apps.get_model("reminders", "Delivery")
    for delivery in Delivery.objects.all().only("pk", "ok", "created_at").iterator():
        Delivery.objects.filter(pk=delivery.pk).update(
            key=uuid.uuid4(), status="delivered" if delivery.ok else "failed", finished_at=delivery.created_at)


def ok_from_status(apps, schema_editor):
    Delivery = apps.get_model("reminders", "Delivery")
    Delivery.objects.filter(status="delivered").update(ok=True)


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0002_still_overdue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="attempted_at",
            field=models.DateTimeField(blank=True, help_text="When the last attempt started", null=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="finished_at",
            field=models.DateTimeField(blank=True, help_text="When it was delivered or given up", null=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="status",
            field=models.CharField(choices=[("pending", "Waiting to be sent"),
                                            ("sending", "Being sent (an attempt has started)"),
                                            ("delivered", "Delivered"), ("failed", "Failed")],
                                   default="pending", max_length=10),
        ),
        migrations.AddField(
            model_name="delivery",
            name="user",
            field=models.ForeignKey(blank=True, help_text="The person reminded (whose webhook secret signs it)",
                                    null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(outcome_and_key, ok_from_status),
    ]
