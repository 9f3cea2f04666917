"""One truth for the last tabletop (issue 15): the organisation profile's "tabletop done on" date becomes a
completed exercise recorded without an incident (it was run before exercises were kept here), so the yearly
reminder and the readiness check keep reading it after ``organisation.0008`` removes the field."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import migrations


def forwards(apps, schema_editor):
    organisation = (apps.get_model("organisation", "Organisation").objects.filter(pk=1)
                    .only("pk", "time_zone", "tabletop_done_on").first())
    if organisation is None or organisation.tabletop_done_on is None:
        return
    at = datetime.combine(organisation.tabletop_done_on, time(12), tzinfo=ZoneInfo(organisation.time_zone or "UTC"))
    apps.get_model("preparedness", "Exercise").objects.create(
        incident=None, scenario="", title="Tabletop exercise (recorded on the organisation profile)",
        facilitator=None, facilitator_name="recorded on the organisation profile", started_at=at, ended_at=at)


def backwards(apps, schema_editor):
    organisation = (apps.get_model("organisation", "Organisation").objects.filter(pk=1)
                    .only("pk", "time_zone", "tabletop_done_on").first())
    last = apps.get_model("preparedness", "Exercise").objects.filter(ended_at__isnull=False).order_by("-ended_at").first()
    if organisation is not None and last is not None:
        organisation.tabletop_done_on = last.ended_at.astimezone(ZoneInfo(organisation.time_zone or "UTC")).date()
        organisation.save(update_fields=["tabletop_done_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("preparedness", "0001_exercises_and_readiness"),
        ("organisation", "0007_organisation_mdr_and_cra_manufacturer"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
