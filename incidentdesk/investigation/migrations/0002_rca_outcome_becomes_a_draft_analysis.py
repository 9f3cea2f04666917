"""One record per step: a non-empty ``Incident.rca_outcome`` with no analysis becomes a draft analysis.

The text goes into "why it happened"; the analysis is not completed (a person completes it, which is
what the "Investigate" step and the lifecycle guard look for). Runs before ``incidents.0007`` drops the field.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    RootCauseAnalysis = apps.get_model("investigation", "RootCauseAnalysis")
    analysed = set(RootCauseAnalysis.objects.values_list("incident_id", flat=True))
    rows = [RootCauseAnalysis(incident_id=pk, why=text.strip(), what_happened="", what_was_done="", impact="",
                              what_changes="", cause_categories=[])
            for pk, text in Incident.objects.exclude(rca_outcome="").values_list("pk", "rca_outcome").iterator()
            if text.strip() and pk not in analysed]
    RootCauseAnalysis.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("investigation", "0001_initial"),
        ("incidents", "0006_severity_desc_index"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
