"""Notifications sent, and to whom (seed procedure §8). Recording one completes its obligation."""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.obligations.models import Obligation


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

    class Meta:
        ordering = ["sent_at"]

    @property
    def audit_incident_ref(self) -> str:
        return self.incident.reference
