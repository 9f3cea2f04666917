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


class Scope(models.TextChoices):
    READ = "read", "Read the register"
    WRITE = "write", "Record and change incidents"
    INTAKE = "intake", "Send monitoring alerts"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, help_text="Public part, to find the token")
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
