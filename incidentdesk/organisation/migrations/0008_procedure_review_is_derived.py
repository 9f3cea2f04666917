"""The profile's "procedure last reviewed on" is removed: reviews 0002 made it a completed review first, and the
date is derived from the reviews from now on (``reviews/last.py``)."""

from zoneinfo import ZoneInfo

from django.db import migrations


def restore(apps, schema_editor):
    """Reversed: the profile's field again, holding the day of the procedure's last completed review."""
    organisation = (apps.get_model("organisation", "Organisation").objects.filter(pk=1)
                    .only("pk", "time_zone", "procedure_reviewed_on").first())
    review = (apps.get_model("reviews", "DocumentReview").objects.filter(document__kind="incident_procedure")
              .exclude(status="open").order_by("-completed_at").first())
    if organisation is not None and review is not None:
        organisation.procedure_reviewed_on = review.completed_at.astimezone(ZoneInfo(organisation.time_zone)).date()
        organisation.save(update_fields=["procedure_reviewed_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0007_organisation_mdr_and_cra_manufacturer'),
        ('reviews', '0002_procedure_review_from_profile'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore),
        migrations.RemoveField(
            model_name='organisation',
            name='procedure_reviewed_on',
        ),
    ]
