"""One record per step: drop ``ActionTaken``, ``rca_outcome`` and ``resulting_changes``.

Their data was moved first: actions taken became containment actions, the RCA outcome a draft
root-cause analysis, the resulting changes a proposed lesson (see the three data migrations below).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0006_severity_desc_index"),
        ("containment", "0002_actions_taken_become_containment_actions"),
        ("investigation", "0002_rca_outcome_becomes_a_draft_analysis"),
        ("lessons", "0003_resulting_changes_become_lessons"),
    ]

    operations = [
        migrations.DeleteModel(name="ActionTaken"),
        migrations.RemoveField(model_name="incident", name="rca_outcome"),
        migrations.RemoveField(model_name="incident", name="resulting_changes"),
    ]
