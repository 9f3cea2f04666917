"""Notifications sent, and to whom (seed procedure §8). Recording one completes its obligation."""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped
from incidentdesk.obligations.models import Obligation
from incidentdesk.organisation.models import DraftLanguage


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PORTAL = "portal", "Authority web portal"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    MEETING = "meeting", "In person"
    OTHER = "other", "Other"


class Notification(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    obligation = models.ForeignKey(Obligation, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="notifications")
    recipient = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    sent_at = models.DateTimeField()
    reference = models.CharField(max_length=200, blank=True, help_text="Reference number returned by the recipient")
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the recipient confirmed receipt (AI Act Art 26(5): the provider)")
    acknowledged_how = models.CharField(max_length=300, blank=True,
                                        help_text="Who confirmed, and how (e.g. an email from the provider's "
                                                  "incident desk, ticket 4411)")
    acknowledgement_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                    on_delete=models.SET_NULL, related_name="+")

    objects = scoped("incident")

    class Meta:
        ordering = ["sent_at"]

    @property
    def audit_incident_ref(self) -> str:
        return self.incident.reference


class NotificationDraft(models.Model):
    """One version of a draft. Editing writes a new version; no version is ever overwritten."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="drafts")
    rule_id = models.CharField(max_length=64, blank=True, help_text="The obligation it answers, if any")
    kind = models.CharField(max_length=24)
    language = models.CharField(max_length=2, choices=DraftLanguage.choices, default=DraftLanguage.ENGLISH,
                                help_text="The language it is written in")
    version = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown")
    unknown = models.JSONField(default=list, help_text="Elements still unknown when this version was written")
    created_by_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    notification = models.OneToOneField(Notification, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="draft")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="draft_reviews",
                                 help_text="Who reviews it before it is sent (carried to each new version)")
    due_at = models.DateTimeField(null=True, blank=True, help_text="By when it should be reviewed")

    objects = scoped("incident")

    class Meta:
        ordering = ["kind", "rule_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "rule_id", "version"],
                                               name="draft_version_once")]

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.kind} v{self.version}"

    def last_sent(self) -> "NotificationDraft | None":
        """The latest earlier version recorded as sent: a later version is a follow-up to it (GDPR Art 33(4))."""
        return (NotificationDraft.objects.filter(incident_id=self.incident_id, kind=self.kind, rule_id=self.rule_id,
                                                 version__lt=self.version, notification__isnull=False)
                .select_related("notification").order_by("-version").first())
