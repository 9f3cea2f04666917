from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _restore_triggers(sender, using, plan=None, **kwargs) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it; put the append-only guard back."""
    from django.db import connections

    from . import triggers

    if plan:  # only after a real migrate, not after a test flush (which lifts them on purpose)
        triggers.install(connections[using])


class AuditConfig(AppConfig):
    name = "incidentdesk.audit"
    label = "audit"

    def ready(self) -> None:
        post_migrate.connect(_restore_triggers, sender=self)
