"""The review cycle of the governance documents (issue 14, item 4; seed procedure §9).

A review is a task: one document, why it is due (the annual date, an incident at level 2 or above that was
closed, a rule file's new version for a regime that applies), who does it, by when. It is completed either by
approving a new version of the document or by recording "reviewed, no change" with a reason. When the
incident procedure was last reviewed is read from these rows and the procedure's approvals (``last.py``),
not stored anywhere else.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from incidentdesk.governance.models import Document, DocumentVersion
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class ReviewReason(models.TextChoices):
    ANNUAL = "annual", "Annual review"
    INCIDENT = "incident", "After an incident at level 2 or above"
    LAW_CHANGE = "law_change", "A change in the law"


REASON_HELP: dict[str, str] = {
    ReviewReason.ANNUAL: "Every document is reviewed at least once a year (incident procedure, section 9)",
    ReviewReason.INCIDENT: "The procedure is reviewed after each incident that triggered it at level 2 or above "
                           "(incident procedure, section 9)",
    ReviewReason.LAW_CHANGE: "A rule file of a law that applies to us has a new version: the procedure's legal "
                             "sections are checked (incident procedure, section 9)",
}


class ReviewStatus(models.TextChoices):
    OPEN = "open", "To do"
    CHANGED = "changed", "Done: a new version was approved"
    NO_CHANGE = "no_change", "Done: reviewed, no change needed"


class DocumentReview(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="reviews")
    reason = models.CharField(max_length=12, choices=ReviewReason.choices)
    # SET_NULL: the review stays on record after retention deletes the incident; its words then say so.
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="The incident whose closure asked for this review")
    rule_file = models.CharField(max_length=32, blank=True, help_text="The law (rule file) that changed")
    rule_version = models.CharField(max_length=32, blank=True, help_text="Its new version")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="document_reviews", help_text="Who does the review")
    due_on = models.DateField(help_text="The review is done by this day")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    outcome = models.TextField(blank=True, help_text="Why no change was needed, or which version was approved")
    version = models.ForeignKey(DocumentVersion, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="reviews", help_text="The approved version that completed it")

    # A review after an incident hangs off it: hidden with a restricted incident; the others belong to no incident.
    objects = scoped("incident", unattached_visible=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # One review per cause, whoever and however often the cause is noticed (the dedup is the database's).
            models.UniqueConstraint(fields=["document", "incident"], condition=Q(reason="incident"),
                                    name="review_once_per_incident"),
            models.UniqueConstraint(fields=["document", "rule_file", "rule_version"], condition=Q(reason="law_change"),
                                    name="review_once_per_rule_version"),
            models.UniqueConstraint(fields=["document", "due_on"], condition=Q(reason="annual"),
                                    name="review_once_per_annual_date"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="review_status_due")]

    def __str__(self) -> str:
        return f"{self.document}: {self.get_reason_display().lower()} (due {self.due_on})"

    @property
    def done(self) -> bool:
        return self.status != ReviewStatus.OPEN
