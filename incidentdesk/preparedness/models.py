"""Preparedness (issue 15): tabletop exercises, and what the readiness check reads that no other app keeps.

An exercise is an incident flagged as one from birth (``Incident.is_exercise``) run through the normal
services; this app keeps what only an exercise has: its scenario, its facilitator, when it started and ended,
and which of the scenario's injects were revealed when. The last *completed* exercise is the organisation's
last tabletop (seed §9): there is no second date to keep in step.
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class Exercise(models.Model):
    """A rehearsal of the response (seed §9: "simulates a Level 2 response once a year as a tabletop exercise")."""

    incident = models.OneToOneField(Incident, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="exercise",
                                    help_text="Empty only for a tabletop recorded before exercises were run here")
    scenario = models.CharField(max_length=64, blank=True, help_text="The scenario from the library")
    title = models.CharField(max_length=200)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="Who runs it and reveals the injects")
    facilitator_name = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When the facilitator ended it")

    objects = scoped("incident", unattached_visible=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["-ended_at"], name="exercise_ended")]

    def __str__(self) -> str:
        return f"Exercise: {self.title}"

    @property
    def completed(self) -> bool:
        return self.ended_at is not None


class RevealedInject(models.Model):
    """An inject of the scenario the facilitator revealed, and when: the exercise's own timeline."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="revealed")
    inject = models.CharField(max_length=64)
    revealed_at = models.DateTimeField()
    revealed_by = models.CharField(max_length=150)

    objects = scoped("exercise__incident")

    class Meta:
        ordering = ["revealed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["exercise", "inject"], name="inject_revealed_once")]


class ChannelTest(models.Model):
    """A test reminder sent through a person's real channels (readiness: "reminders configured with a channel
    that works"). Its outcome is its deliveries' own status in the reminders' outbox: one truth."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(max_length=150)
    sent_at = models.DateTimeField()
    deliveries = models.ManyToManyField("reminders.Delivery", related_name="+")

    class Meta:
        ordering = ["-sent_at"]


class BackupRecord(models.Model):
    """A backup of the database and evidence, as reported by the backup job (``incidentdesk backup-done``)."""

    taken_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True, help_text="Where it went or which tool made it")
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_at"]
