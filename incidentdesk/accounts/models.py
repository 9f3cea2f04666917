"""People and their roles. A role is a bundle of capabilities (see ``permissions.py``)."""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    INCIDENT_MANAGER = "incident_manager", "Incident manager"
    RESPONDER = "responder", "Responder"
    VIEWER = "viewer", "Viewer"
    AUDITOR = "auditor", "Auditor (read-only, with the audit log)"
    REPORTER = "reporter", "Reporter (own reports only)"


class Person(models.Model):
    """A user's role in IncidentDesk. A user without one is a viewer: least privilege by default."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"
