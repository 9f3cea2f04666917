"""Events are sealed with the audit key from now on; the events already there keep their SHA-256.

History is not rewritten. Instead the head as it stands is written, signed with the key, to the
checkpoint folder (outside the database) as the boundary of the old format: events up to it may carry
the old, unkeyed seal, no event after it may. The first keyed event then seals the last old one, and
this checkpoint protects them all. A database administrator cannot move the boundary to hide a rewrite.
"""

from django.db import migrations, models

from incidentdesk.audit import checkpoints, triggers


def mark_the_old_format_boundary(apps, schema_editor):
    triggers.install(schema_editor.connection)  # SQLite dropped them when it rebuilt the table
    head = apps.get_model("audit", "AuditHead").objects.using(schema_editor.connection.alias).filter(id=1).first()
    if head is None or head.last_seq == 0:
        return  # a new installation: every event will be keyed
    checkpoints.append(checkpoints.sign(head.last_seq, head.last_hash, legacy_until=head.last_seq),
                       unless_same_head=False)


def refuse_to_drop_keys(apps, schema_editor):
    events = apps.get_model("audit", "AuditEvent").objects.using(schema_editor.connection.alias)
    keyed = events.exclude(key_id="").count()
    if keyed:
        raise RuntimeError(f"{keyed} audit events are sealed with the audit key; going back would make them "
                           "unverifiable. Restore a backup taken before the upgrade instead.")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, default='', help_text='The audit key that sealed this event; empty: sealed before keys, SHA-256', max_length=16),
        ),
        migrations.RunPython(mark_the_old_format_boundary, refuse_to_drop_keys),
    ]
