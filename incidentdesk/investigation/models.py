"""Step 5 of the procedure: investigate and document. The seed's five questions plus a cause analysis.

Seed §6 step 5: for level 2 and above, a root-cause review within 14 days answering what happened,
why, what was done, the impact and what changes. The playbook adds "fix the system, not just the
person": a cause analysis whose only cause is human error is not accepted as complete.
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class CauseCategory(models.TextChoices):
    POLICY_GAP = "policy_gap", "Policy gap"
    TRAINING_GAP = "training_gap", "Training gap"
    TOOL_FAILURE = "tool_failure", "Tool failure"
    HUMAN_ERROR = "human_error", "Human error"
    DATA_ISSUE = "data_issue", "Data issue"
    VENDOR_ISSUE = "vendor_issue", "Vendor issue"


class RootCauseAnalysis(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="rca")
    what_happened = models.TextField()
    why = models.TextField("Why it happened")
    what_was_done = models.TextField()
    impact = models.TextField()
    what_changes = models.TextField("What changes to prevent recurrence")
    five_whys = models.JSONField(default=list, blank=True, help_text="Each answer to 'why?', in order")
    contributing_factors = models.TextField(blank=True)
    cause_categories = models.JSONField(default=list)
    systemic_cause = models.TextField(blank=True, help_text="Required when human error is the only cause")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped("incident")

    def __str__(self) -> str:
        return f"RCA {self.incident.reference}"
