"""The register's free-text data classes are now the facts' personal data categories (migration 0009)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0009_data_classes_into_categories'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='incident',
            name='data_classes',
        ),
    ]
