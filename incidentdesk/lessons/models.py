"""Step 6 of the procedure: learn and adapt. Lessons feed the AI policy, the inventory, the procedure
or training; accepting one writes a dated entry in that document's change log (ISO/IEC 42001 10.1).
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class Target(models.TextChoices):
    POLICY = "policy", "AI usage policy"
    INVENTORY = "inventory", "AI tool inventory"
    PROCEDURE = "procedure", "Incident procedure"
    TRAINING = "training", "Training"
    INCIDENT_POLICY = "incident_policy", "AI incident management policy"


class LessonStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Lesson(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="lessons")
    target = models.CharField(max_length=16, choices=Target.choices)
    text = models.TextField(help_text="What we learned and what should change")
    status = models.CharField(max_length=10, choices=LessonStatus.choices, default=LessonStatus.PROPOSED)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="lesson_tasks", help_text="Who decides whether it is accepted")
    due_at = models.DateTimeField(null=True, blank=True, help_text="By when it should be decided")

    objects = scoped("incident")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_target_display()}: {self.text[:40]}"


class DocumentChange(models.Model):
    """One dated line in the change log of the policy, the inventory, the procedure or training."""

    document = models.CharField(max_length=16, choices=Target.choices)
    changed_on = models.DateField()
    summary = models.TextField()
    # SET_NULL: the change log outlives an incident deleted at the end of its retention period.
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    recorded_by = models.CharField(max_length=150)
    # The tracked change: the draft version of the governance document this change lands in (issue 14).
    # Empty for training, which is not a controlled document, and for lines written before documents existed.
    version = models.ForeignKey("governance.DocumentVersion", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="tracked_changes")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped("lesson__incident", unattached_visible=True)

    class Meta:
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.get_document_display()}: {self.summary[:40]}"
