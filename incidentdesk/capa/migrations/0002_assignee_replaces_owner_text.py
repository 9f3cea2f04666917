"""A corrective action's owner becomes a person (issue 13): one truth, the ``assignee``; the free text goes.

Each stored owner text that names exactly one person (a username, any case, or a full name) becomes that
person. Any other text ("IT", "the vendor") is kept where people read it: a line at the end of the
description, "Owner before owners were people in IncidentDesk: IT", and the action has no assignee until
someone is chosen. The ``owner`` column is then removed. Going back writes the assignee's username (or
"not recorded") into the restored column.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NOTE = "Owner before owners were people in IncidentDesk: "


def _person(users, text):
    wanted = text.strip().casefold()
    if not wanted:
        return None
    by_username = [u for u in users if u.username.casefold() == wanted]
    if len(by_username) == 1:
        return by_username[0]
    by_name = [u for u in users if f"{u.first_name} {u.last_name}".strip().casefold() == wanted]
    return by_name[0] if len(by_name) == 1 else None


def forwards(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Action = apps.get_model("capa", "CorrectiveAction")
    users = list(User.objects.all())
    for action in Action.objects.exclude(owner="").iterator():
        person = _person(users, action.owner)
        if person is not None:
            action.assignee = person
        else:
            action.description = f"{action.description.rstrip()}\n\n{NOTE}{action.owner.strip()}"
        action.save(update_fields=["assignee", "description"])


def backwards(apps, schema_editor):
    Action = apps.get_model("capa", "CorrectiveAction")
    for action in Action.objects.select_related("assignee").iterator():
        action.owner = action.assignee.username if action.assignee_id else "not recorded"
        action.save(update_fields=["owner"])


class Migration(migrations.Migration):

    dependencies = [
        ('capa', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='correctiveaction',
            name='assignee',
            field=models.ForeignKey(blank=True, help_text='Who carries it out (its owner)', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='corrective_tasks', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name='correctiveaction', name='owner'),
    ]
