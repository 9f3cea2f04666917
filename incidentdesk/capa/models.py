"""Corrective and preventive actions, tracked to verified effectiveness (ISO/IEC 42001 clause 10.2)."""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", "Corrective (remove the cause)"
    PREVENTIVE = "preventive", "Preventive (stop it happening elsewhere)"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IMPLEMENTED = "implemented", "Implemented, effectiveness to check"
    EFFECTIVE = "effective", "Verified effective"
    NOT_EFFECTIVE = "not_effective", "Not effective: needs a new action"
    ACCEPTED = "accepted", "Accepted without verification (with reason)"


class CorrectiveAction(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="corrective_actions")
    kind = models.CharField(max_length=10, choices=ActionKind.choices, default=ActionKind.CORRECTIVE)
    description = models.TextField()
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="corrective_tasks", help_text="Who carries it out (its owner)")
    due_on = models.DateField()
    status = models.CharField(max_length=14, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    implemented_at = models.DateTimeField(null=True, blank=True)
    effectiveness_due_on = models.DateField(null=True, blank=True)
    effectiveness_method = models.TextField(blank=True, help_text="How effectiveness will be checked")
    effectiveness_result = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    acceptance_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped("incident")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="capa_status_due")]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.description[:40]}"

    @property
    def owner_name(self) -> str:
        """Who carries it out, in words (the full name, else the username)."""
        if self.assignee is None:
            return "no one yet"
        return self.assignee.get_full_name() or self.assignee.get_username()

    @property
    def settled(self) -> bool:
        """Closure may proceed: verified effective, or explicitly accepted with a reason."""
        return self.status in (ActionStatus.EFFECTIVE, ActionStatus.ACCEPTED)
