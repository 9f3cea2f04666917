"""Step 2 of the procedure: contain. What was done to stop the harm, by whom, when, with what result.

The catalogue follows the playbook seed ("stop the operation, revoke access") and the ISO 42001
template's containment and rollback section; free actions are allowed ("other").
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class ContainmentKind(models.TextChoices):
    STOP_OPERATION = "stop_operation", "Stop the operation"
    REVOKE_ACCESS = "revoke_access", "Revoke access to the tool"
    CORRECT_CONTENT = "correct_content", "Remove or correct published content"
    ISOLATE_DATA = "isolate_data", "Isolate affected data"
    PRESERVE_EVIDENCE = "preserve_evidence", "Preserve evidence"
    ROLLBACK_MODEL = "rollback_model", "Roll back the model"
    REDIRECT_TRAFFIC = "redirect_traffic", "Redirect traffic"
    FALLBACK = "fallback", "Switch to the fallback"
    ISOLATE_SYSTEM = "isolate_system", "Isolate the system"
    DISABLE_FEATURE = "disable_feature", "Disable a feature"
    CONTACT_PROVIDER = "contact_provider", "Contact the tool provider"
    OTHER = "other", "Other"


class ContainmentResult(models.TextChoices):
    EFFECTIVE = "effective", "Harm stopped"
    PARTIAL = "partial", "Partly effective"
    NOT_EFFECTIVE = "not_effective", "Not effective"
    PENDING = "pending", "Result not known yet"


class ContainmentAction(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="containment_actions")
    kind = models.CharField(max_length=20, choices=ContainmentKind.choices)
    description = models.TextField(blank=True)
    taken_at = models.DateTimeField()
    taken_by = models.CharField(max_length=150, help_text="Who did it (may differ from who records it)")
    result = models.CharField(max_length=14, choices=ContainmentResult.choices, default=ContainmentResult.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="containment_tasks",
                                 help_text="Who follows it up until its result is known")
    due_at = models.DateTimeField(null=True, blank=True, help_text="By when its result should be known")

    objects = scoped("incident")

    class Meta:
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_result_display()})"
