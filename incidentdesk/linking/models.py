"""Tags on incidents, and links between incidents ("duplicate of", "related to"), merges included.

Its own app, above ``incidents``: merging settles the duplicate's clocks and checks its notifications, so it
imports obligations and notifications, which import incidents. The register filters by tag through the
reverse name ``tags`` (no import back), so the layers do not loop (tests/test_architecture.py).
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import IncidentScopedQuerySet, hidden_incident_ids, scoped


class IncidentTag(models.Model):
    """A word a team files incidents under ("phishing", "vendor-x", "q3-audit"); stored in lower case."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=40)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField()

    objects = scoped("incident")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["incident", "name"], name="incident_tag_once")]
        indexes = [models.Index(fields=["name"], name="incident_tag_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_incident_ref(self) -> str:
        return self.incident.reference


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", "Duplicate of"
    RELATED = "related", "Related to"


class LinkQuerySet(IncidentScopedQuerySet):
    incident_path = "source"

    def visible_to(self, user):
        """A link is shown only when the person may see both incidents: a restricted one is named nowhere."""
        qs = super().visible_to(user)
        hidden = hidden_incident_ids(user) if getattr(user, "is_authenticated", False) else []
        return qs.exclude(target__in=hidden) if hidden else qs


class IncidentLink(models.Model):
    """``source`` is a duplicate of, or related to, ``target``. A merge is a duplicate link with ``merged``:
    the source is then closed (locked) and its clocks settled, its records kept and reachable."""

    source = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    merged = models.BooleanField(default=False, help_text="The source was merged into the target")
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    objects = models.Manager.from_queryset(LinkQuerySet)()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="incident_link_once"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="incident_link_not_self"),
            # One merge per duplicate, whatever two people do at the same moment.
            models.UniqueConstraint(fields=["source"], condition=models.Q(merged=True), name="incident_merged_once"),
        ]

    @property
    def audit_incident_ref(self) -> str:
        return self.source.reference
