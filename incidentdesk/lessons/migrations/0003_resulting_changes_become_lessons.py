"""One record per step: a non-empty ``Incident.resulting_changes`` becomes a proposed lesson (procedure).

Lines that accepting a lesson wrote there ("<document>: <change-log summary>") are already lessons
and are left out; whatever text remains becomes one proposed lesson aimed at the incident procedure.
Runs before ``incidents.0007`` drops the field.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Lesson = apps.get_model("lessons", "Lesson")
    DocumentChange = apps.get_model("lessons", "DocumentChange")
    rows = []
    for pk, text in Incident.objects.exclude(resulting_changes="").values_list("pk", "resulting_changes").iterator():
        known = [s.strip() for s in DocumentChange.objects.filter(lesson__incident_id=pk).values_list("summary",
                                                                                                     flat=True)]
        lines = [line for line in text.strip().splitlines()
                 if line.strip() and not any(s and line.strip().endswith(": " + s) for s in known)]
        remainder = "\n".join(lines).strip()
        if remainder:
            rows.append(Lesson(incident_id=pk, target="procedure", text=remainder, status="proposed"))
    Lesson.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("lessons", "0002_change_log_outlives_lessons"),
        ("incidents", "0006_severity_desc_index"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
