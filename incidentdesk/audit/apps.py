from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_migrate


def _restore_triggers(sender, using, plan=None, **kwargs) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it; put the append-only guard back."""
    from django.db import connections

    from . import triggers

    if plan:  # only after a real migrate, not after a test flush (which lifts them on purpose)
        triggers.install(connections[using])


def audit_key_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """No audit key, no start: in production the key must be configured, never made beside the database.

    The demo and the tests (DEBUG on, nothing configured) make their key on first use instead.
    """
    from . import keys

    demo_file = settings.AUDIT_KEY_FILE if settings.AUDIT_KEY_AUTOCREATE else None
    if demo_file and not Path(demo_file).exists():
        return []
    try:
        keys.keyring()
    except keys.KeyProblem as exc:
        return [checks.Error(str(exc), hint="See the README, section Production, and docs/security.md.",
                             id="audit.E001")]
    too_open = keys.file_too_open()
    if too_open:
        return [checks.Warning(f"The audit key file {too_open} can be read by people other than its owner.",
                               hint=f"chmod 600 {too_open}", id="audit.W001")]
    return []


class AuditConfig(AppConfig):
    name = "incidentdesk.audit"
    label = "audit"

    def ready(self) -> None:
        post_migrate.connect(_restore_triggers, sender=self)
        checks.register(audit_key_check)
