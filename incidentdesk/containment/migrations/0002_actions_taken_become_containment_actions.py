"""One record per step: every ``ActionTaken`` row becomes a containment action ("other", result pending).

Runs before ``incidents.0007`` deletes the ``ActionTaken`` table. The result is "pending" because the
old free-text action never said whether it stopped the harm; a person sets it by recording a new one.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    ActionTaken = apps.get_model("incidents", "ActionTaken")
    ContainmentAction = apps.get_model("containment", "ContainmentAction")
    rows = []
    for action in ActionTaken.objects.select_related("recorded_by").order_by("pk").iterator():
        who = action.recorded_by.username if action.recorded_by_id else "not recorded"
        rows.append(ContainmentAction(
            incident_id=action.incident_id, kind="other", description=action.description, taken_at=action.taken_at,
            taken_by=who, result="pending", recorded_by_id=action.recorded_by_id))
    ContainmentAction.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("containment", "0001_initial"),
        ("incidents", "0006_severity_desc_index"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
