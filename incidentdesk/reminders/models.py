"""Reminders are rows, not queued jobs: each is claimed once (``sent_at``) before anything is sent,
so a restarted or doubled worker cannot send it twice (healthchecks' ``sendalerts`` pattern).
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.policy import scoped
from incidentdesk.obligations.models import Obligation


class ReminderKind(models.TextChoices):
    HALF = "half", "50% of the time has run"
    EIGHTY = "eighty", "80% of the time has run"
    DUE = "due", "Due now"
    OVERDUE = "overdue", "Overdue: escalated to the first contact"
    STILL_OVERDUE = "still_overdue", "Still overdue a day later: escalated to the next contact"
    PROCEDURE_REVIEW = "procedure_review", "Annual review of the procedure"
    CONTACTS_REVIEW = "contacts_review", "Annual check of the contacts"
    TABLETOP = "tabletop", "Yearly tabletop exercise"


class Reminder(models.Model):
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    obligation = models.ForeignKey(Obligation, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="reminders")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Set when claimed; never sent twice")

    objects = scoped("obligation__incident", unattached_visible=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "kind", "due_at"], name="reminder_once"),
            models.UniqueConstraint(fields=["kind", "due_at"], condition=models.Q(obligation__isnull=True),
                                    name="yearly_reminder_once"),
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"], name="reminder_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.due_at:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack-compatible webhook"
    WEBHOOK = "webhook", "Generic webhook (HMAC signed)"


class Preference(models.Model):
    """How a person wants to be reminded."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_pref")
    email = models.BooleanField(default=True)
    slack_url = models.URLField(blank=True)
    webhook_url = models.URLField(blank=True)
    webhook_secret = models.CharField(max_length=200, blank=True)


class Delivery(models.Model):
    """Every message sent or attempted, with its outcome."""

    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    target = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    ok = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"


class CalendarFeed(models.Model):
    """A person's private iCalendar link; only the token's SHA-256 is stored."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
