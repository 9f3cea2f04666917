"""Comments on an incident: the team's conversation beside the record, in Markdown, with mentions.

A comment is part of the incident's record: it can be corrected by its author (the old text stays in the audit
log), never deleted. A mention of a person who may see the incident tells them (an e-mail, through the reminders'
outbox) and stays in their "my work" until they mark it read.
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class Comment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150, help_text="Kept if the person is later removed")
    body = models.TextField(help_text="Markdown; shown sanitised")
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True, help_text="Last corrected by its author")

    objects = scoped("incident")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["incident", "created_at"], name="comment_incident_created")]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.body[:40]}"

    @property
    def audit_incident_ref(self) -> str:
        return self.incident.reference


class Mention(models.Model):
    """A person named with ``@username`` in a comment, who may see the incident: theirs to read."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    read_at = models.DateTimeField(null=True, blank=True, help_text="When they marked it read")

    objects = scoped("comment__incident")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="mention_unread")]
