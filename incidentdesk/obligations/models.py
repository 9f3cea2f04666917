"""Obligations: one row per rule for each incident, with its clock, status and reasons.

``snapshot`` points at the rule exactly as it was when the obligation was created (a ``RuleSnapshot``,
stored once per distinct rule version and shared by every incident), so a later edit of a rule file
never rewrites past obligations; re-evaluation against the current rule files is an
explicit, logged act (``incidentdesk reevaluate``). "Not required" rows are kept with their reason.
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class ObligationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    MAY_APPLY = "may_apply", "May apply (facts to establish)"
    DONE = "done", "Done"
    NOT_REQUIRED = "not_required", "Not required"


class Settlement(models.TextChoices):
    """How a done obligation was settled."""

    BY_ACT = "act", "By the act that fulfils it"
    BY_HAND = "hand", "By hand, with a reason"


class RuleSnapshot(models.Model):
    """One version of one rule, frozen: identified by the SHA-256 of its canonical terms."""

    rule_id = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, unique=True)
    terms = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class Obligation(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="obligations")
    rule_id = models.CharField(max_length=64)
    rule_version = models.CharField(max_length=32)
    regime = models.CharField(max_length=32, db_index=True)
    action = models.TextField()
    recipient = models.CharField(max_length=200)
    citation = models.CharField(max_length=200)
    deadline = models.CharField(max_length=40, help_text="As the law says it: 72 hours, 15 days, …")
    clock_start_event = models.CharField(max_length=64)
    clock_start_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Target: the binding due time")
    legal_latest_at = models.DateTimeField(null=True, blank=True, help_text="Reg. 1182/71 legal latest")
    status = models.CharField(max_length=16, choices=ObligationStatus.choices)
    applies = models.BooleanField(null=True, help_text="Null: may apply, facts unknown")
    reasons = models.JSONField(default=list)
    snapshot = models.ForeignKey(RuleSnapshot, on_delete=models.PROTECT, related_name="+",
                             help_text="The rule as it was when this obligation was created")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    settlement = models.CharField(max_length=8, choices=Settlement.choices, blank=True, default="", db_default="",
                                  help_text="Empty while open; how it was settled once done")
    settled_reason = models.TextField(blank=True, default="", db_default="",
                                      help_text="By the act: which act. By hand: the person's reason")
    updated_at = models.DateTimeField(auto_now=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="obligation_tasks",
                                 help_text="Who meets this clock; its due time is the law's, so only a person is set")

    objects = scoped("incident")

    class Meta:
        ordering = ["due_at", "rule_id"]
        constraints = [models.UniqueConstraint(fields=["incident", "rule_id"], name="one_obligation_per_rule")]
        indexes = [
            # Not partial: SQLite uses a partial index only when the query repeats its WHERE exactly.
            models.Index(fields=["status", "due_at"], name="obligation_status_due"),
            models.Index(fields=["regime", "status", "incident"], name="obligation_regime"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.rule_id}"

    @property
    def audit_incident_ref(self) -> str:
        return self.incident.reference

    @property
    def our_reading(self) -> str:
        """The rule's "our reading" note, as the obligation was computed with it ("" when it rests on the text).

        A snapshot stored before rule files could carry the note has no such key: the current rule of the
        same id and version (the same law) supplies it.
        """
        terms = self.snapshot.terms
        if "our_reading" in terms:
            return terms["our_reading"]
        from incidentdesk.assessment.rulebook import default_rulebook

        rule = next((r for r in default_rulebook().obligations if r.id == self.rule_id), None)
        return rule.our_reading if rule is not None and rule.version == self.rule_version else ""

    def shown_status(self, now) -> str:
        """Overdue is derived, never stored: a pending obligation past its due time."""
        if self.status == ObligationStatus.PENDING and self.due_at and self.due_at < now:
            return "overdue"
        return self.status
