"""Internal notices (playbook step 3 "Report"): which team inside was told of an incident, who on its behalf,
when, by when it must acknowledge, and who acknowledged. Each escalation is a step, never an edit: the list
of steps is the record of who was told.
"""

from django.conf import settings
from django.db import models

from incidentdesk.contacts.models import Contact, ContactKind
from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class AckChannel(models.TextChoices):
    WORKSPACE = "workspace", "In the incident workspace, on the team's behalf"
    API = "api", "Through the API, on the team's behalf"
    CLI = "cli", "From the command line, on the team's behalf"
    LINK = "link", "By the contact, through the link in the e-mail"


class NoticeState(models.TextChoices):
    GAP = "gap", "Nobody to tell: no contact for this team in the directory"
    WAITING = "waiting", "Told; waiting for acknowledgement"
    OVERDUE = "overdue", "Not acknowledged in time; escalates at the next reminders pass"
    ESCALATED = "escalated", "Escalated to the next contact"
    OWNER_TOLD = "owner_told", "Nobody in the directory acknowledged: the incident owner was told"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class Notice(models.Model):
    """One team told of one incident, because a routing rule applies (rules.toml). One per team and incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="internal_notices")
    team = models.CharField(max_length=24, choices=ContactKind.choices)
    rule_id = models.CharField(max_length=40, help_text="The routing rule that applied")
    reason = models.TextField(help_text="Why the team is told, in words")
    because = models.JSONField(default=list, help_text="The facts that decided it, in words")
    citation = models.CharField(max_length=300)
    ack_hours = models.PositiveSmallIntegerField(help_text="How long each contact has to acknowledge")
    created_at = models.DateTimeField(help_text="When the rule first applied")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", help_text="The person who recorded it, if signed in")
    acknowledged_by_name = models.CharField(max_length=200, blank=True, help_text="Who acknowledged, in words")
    acknowledged_via = models.CharField(max_length=10, choices=AckChannel.choices, blank=True)
    ack_note = models.TextField(blank=True)

    objects = scoped("incident")

    class Meta:
        ordering = ["incident", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["incident", "team"], name="one_notice_per_team")]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.get_team_display()}"

    @property
    def last_step(self) -> "NoticeStep | None":
        steps = list(self.steps.all())
        return steps[-1] if steps else None

    def state(self, now) -> str:
        """Derived from the steps and the acknowledgement, never stored (one truth)."""
        step = self.last_step
        if self.acknowledged_at:
            return NoticeState.ACKNOWLEDGED
        if step is None:
            return NoticeState.GAP
        if step.is_owner:
            return NoticeState.OWNER_TOLD
        if step.ack_due_at <= now:
            return NoticeState.OVERDUE
        return NoticeState.ESCALATED if step.number > 0 else NoticeState.WAITING


class NoticeStep(models.Model):
    """One person told on the team's behalf: the first contact (step 0), each escalation, and finally the owner."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(help_text="0: the first contact; then each escalation")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_owner = models.BooleanField(default=False, help_text="The incident owner, told when the directory ran out")
    recipient_name = models.CharField(max_length=200)
    recipient_email = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField()
    ack_due_at = models.DateTimeField()
    delivery = models.ForeignKey("reminders.Delivery", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The e-mail's outbox row")

    objects = scoped("notice__incident")

    class Meta:
        ordering = ["notice", "number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="one_step_per_number")]

    def __str__(self) -> str:
        return f"{self.notice}: {self.recipient_name} (step {self.number})"
