"""Intake: signals that may be incidents, waiting in the triage queue (ISO/IEC 42001 A.3.3, the
template's detection mechanisms and reporting channels). A person promotes one to an incident, or
dismisses it with a reason; rules per source may promote automatically.
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class AlertSource(models.Model):
    """A monitoring tool that posts alerts. With a secret, every post must carry its HMAC signature."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    hmac_secret = models.CharField(max_length=200, blank=True, help_text="Empty: no signature required")
    auto_rules = models.JSONField(default=list, blank=True, help_text=(
        'Promote automatically, e.g. [{"labels": {"alertname": "ModelDrift"}, "min": {"drift": 0.3}}]'))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    ALERT = "alert", "Monitoring alert"
    REPORT = "report", "Report through the reporting channel"


class TriageStatus(models.TextChoices):
    OPEN = "open", "Waiting for triage"
    PROMOTED = "promoted", "Promoted to an incident"
    DISMISSED = "dismissed", "Dismissed"
    MERGED = "merged", "Added to an existing incident"


class TriageItem(models.Model):
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reference = models.CharField(max_length=32, unique=True)
    source = models.ForeignKey(AlertSource, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    fingerprint = models.CharField(max_length=128, blank=True)
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    labels = models.JSONField(default=dict, blank=True)
    count = models.PositiveIntegerField(default=1, help_text="Alerts folded into this item (deduplication)")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    status = models.CharField(max_length=10, choices=TriageStatus.choices, default=TriageStatus.OPEN)
    dismissed_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="triage")
    reporter_contact = models.CharField(max_length=200, blank=True)
    follow_digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the reporter's private link")

    objects = scoped("incident", unattached_visible=True)

    class Meta:
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["source", "fingerprint", "status", "last_seen"], name="triage_dedup"),
                   models.Index(fields=["status", "last_seen"], name="triage_queue")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class SeenSignature(models.Model):
    """A signed alert post already received, kept while its timestamp is inside the accepted window.

    The unique digest makes a replay of the same signed request fail on insert, in the same transaction
    as the alerts it carried: exact across server processes on both databases, and a post that failed
    (nothing stored) can be retried. Rows whose window has passed are deleted by the scheduler
    (``services.prune``), not by the posts.
    """

    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the source and signature")
    expires_at = models.DateTimeField(db_index=True)


class RateCounter(models.Model):
    """Hits of one key (e.g. reports from one address) in one time window, in the database.

    Shared by every server process (a per-process cache let 17 of 40 reports through a limit of 5 on four
    workers) and counted with one atomic statement (no read-then-write race). Expired rows are pruned by
    the scheduler (``services.prune``).
    """

    key = models.CharField(max_length=200, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
