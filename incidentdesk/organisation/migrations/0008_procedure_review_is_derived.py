"""The profile's "procedure last reviewed on" is removed: reviews 0002 made it a completed review first, and the
date is derived from the reviews from now on (``reviews/last.py``)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0007_organisation_mdr_and_cra_manufacturer'),
        ('reviews', '0002_procedure_review_from_profile'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='organisation',
            name='procedure_reviewed_on',
        ),
    ]
