"""Reminders are rows, not queued jobs: each is claimed once (``sent_at``) before anything is sent,
so a restarted or doubled worker cannot send it twice (healthchecks' ``sendalerts`` pattern).

The claim writes the reminder's outbox in the same transaction: one pending ``Delivery`` per recipient and
channel, each with its task, so a crash loses either everything (the next pass claims it again) or nothing.
"""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import IncidentScopedQuerySet, hidden_incident_ids, scoped
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


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent (an attempt has started)"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class DeliveryQuerySet(IncidentScopedQuerySet):
    """A reminder's delivery belongs to the incident of its clock; a message that is not a reminder (a mention
    in a comment) names its incident itself. Both are hidden from whoever may not see that incident."""

    incident_path = "reminder__obligation__incident"
    unattached_visible = True

    def visible_to(self, user):
        qs = super().visible_to(user)
        hidden = hidden_incident_ids(user)
        return qs.exclude(incident__in=hidden) if hidden else qs


class Delivery(models.Model):
    """One message to one recipient on one channel: the outbox row.

    Written pending in the transaction that claims the reminder; marked sending (with the attempt count)
    before each attempt and delivered or failed after, so a re-run after a crash sends only what is not
    delivered. ``key`` is the same across retries and re-runs: webhooks send it as ``Idempotency-Key`` and
    emails as their Message-ID, so a receiver can drop a duplicate.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                           help_text="Sent with every attempt so receivers can drop duplicates")
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 help_text="For a message that is not a clock's reminder (a mention in a comment): "
                                           "the incident it is about")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text="The person reminded (whose webhook secret signs it)")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    target = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="Exactly what is sent: the email text, or the webhook's JSON")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempted_at = models.DateTimeField(null=True, blank=True, help_text="When the last attempt started")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When it was delivered or given up")

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["reminder", "status"], name="delivery_outbox")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.shown_target}: {self.get_status_display().lower()}"

    @property
    def shown_target(self) -> str:
        """The target as it may be shown and logged: an email address, or only a webhook URL's host (its path
        and query often carry the secret, as Slack's do)."""
        if self.channel == Channel.EMAIL:
            return self.target
        parts = urlsplit(self.target)
        return f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")


class CalendarFeed(models.Model):
    """A person's private iCalendar link; only the token's SHA-256 is stored."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
