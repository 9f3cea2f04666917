"""The incident register: every field of section 8 of the seed procedure, and its history.

Identifiers are ``INC-YYYY-NNN``, sequential per year and never reused (``IncidentSequence`` is
incremented under a row lock). Yes/no facts that feed the assessment live in ``facts`` (JSON,
null = unknown), validated by ``incidentdesk.assessment.facts`` before anything is stored.

One record per step: the actions taken are the containment actions (``containment``), the RCA
outcome is the root-cause analysis (``investigation``), the changes to policy, inventory or
procedure are the accepted lessons (``lessons``). The register's §8 texts for them are derived
from those records (``incidents.section8``), never stored twice.
"""

from django.conf import settings
from django.db import models

from incidentdesk.assessment.categories import label as category_label
from incidentdesk.inventory.models import AITool

from .policy import IncidentQuerySet, scoped
from .regimes import BITS, RegimeSet


class Status(models.TextChoices):
    DETECTED = "detected", "Detected"
    CONTAINED = "contained", "Contained"
    CLASSIFIED = "classified", "Classified"
    NOTIFIED = "notified", "Notified"
    INVESTIGATING = "investigating", "Investigating"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class DetectionSource(models.TextChoices):
    OWN_OBSERVATION = "own_observation", "Own observation"
    CLIENT_REPORT = "client_report", "Client report"
    THIRD_PARTY_REPORT = "third_party_report", "Third-party report"
    MONITORING = "monitoring", "Platform alert / monitoring"
    INTERNAL_CHANNEL = "internal_channel", "Internal reporting channel"


class IncidentSequence(models.Model):
    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Incident(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DETECTED)
    detection_source = models.CharField(max_length=24, choices=DetectionSource.choices,
                                        default=DetectionSource.OWN_OBSERVATION)
    detected_at = models.DateTimeField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    aware_at = models.DateTimeField(null=True, blank=True, help_text="GDPR/AI Act awareness, if later than detection")
    causal_link_suspected_at = models.DateTimeField(
        null=True, blank=True, help_text="AI Act Art 73(4): when a causal link with a death was first suspected")
    causal_link_established_at = models.DateTimeField(null=True, blank=True)
    classified_at = models.DateTimeField(null=True, blank=True, help_text="Definitive classification")
    categories = models.JSONField(default=list, blank=True)
    affected_parties = models.TextField(blank=True)
    facts = models.JSONField(default=dict, blank=True, help_text="Assessment facts; null means unknown")
    severity_level = models.PositiveSmallIntegerField(default=1)
    severity_reasons = models.JSONField(default=list, blank=True)
    severity_reasoning = models.TextField(blank=True, help_text="A person's written reasoning")
    level_override = models.PositiveSmallIntegerField(null=True, blank=True)
    override_basis = models.PositiveSmallIntegerField(null=True, blank=True,
                                                      help_text="Computed level when the override was set")
    restricted = models.BooleanField(default=False, help_text="Only the people named on it can see it")
    is_exercise = models.BooleanField(
        "Exercise", default=False, editable=False,
        help_text="A rehearsal (tabletop exercise), flagged from birth: its reminders reach only the participants, "
                  "and it is left out of the dashboard, the register's default view and the exports")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_incidents",
                              help_text="The incident manager: the person who runs this incident")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # PROTECT: a procedure version stays readable as long as an incident handled under it is retained.
    procedure_version = models.ForeignKey(
        "governance.DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents",
        help_text="The version of the incident procedure in force when the incident was recorded")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    regimes = RegimeSet(default=0, db_default=0, editable=False,
                        help_text="The regimes with an obligation that is pending, may apply or is done, one bit "
                                  "each: derived from the obligations by regimes.refresh, never written otherwise")

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="incident_number_per_year")]
        indexes = [
            models.Index(fields=["-detected_at"], name="incident_detected"),
            models.Index(fields=["status", "-detected_at"], name="incident_status_detected"),
            # Descending both ways: the register's "most severe first" sort walks it without sorting.
            models.Index(fields=["-severity_level", "-detected_at"], name="incident_severity_desc"),
            models.Index(fields=["status", "severity_level", "-detected_at"], name="incident_status_severity"),
            models.Index(fields=["restricted"], condition=models.Q(restricted=True), name="incident_restricted"),
            models.Index(fields=["is_exercise"], condition=models.Q(is_exercise=True), name="incident_exercise"),
            # Per regime, the register's two orders over only that regime's incidents (decision 216).
            *(models.Index(fields=fields, condition=models.Q(regimes__has=regime), name=f"inc_{regime}_{suffix}")
              for regime in BITS for suffix, fields in (("new", ["-detected_at"]),
                                                          ("sev", ["-severity_level", "-detected_at"]))),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs):
        """Write every field but ``regimes``, which only ``regimes.refresh`` writes: a copy of the incident read
        before its obligations changed must not put back the regimes it was read with."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name != "regimes"]
        super().save(*args, **kwargs)

    @property
    def audit_incident_ref(self) -> str:
        return self.reference

    @property
    def provisional(self) -> bool:
        return self.classified_at is None

    @property
    def data_classes(self) -> list[str]:
        """The kinds of personal data concerned, derived from the facts: one answer, no second field (the
        register's former free-text data classes were merged into these facts, migration 0009)."""
        data = self.facts.get("personal_data") or {}
        return list(data.get("data_categories") or []) + list(data.get("other_data_categories") or [])

    @property
    def data_class_labels(self) -> list[str]:
        """The same, each listed category in plain words (the labels of gdpr.toml)."""
        return [category_label(name) for name in self.data_classes]


class IncidentTool(models.Model):
    """A tool involved in an incident; ``tool`` is empty when it is outside the inventory."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tools")
    tool = models.ForeignKey(AITool, null=True, blank=True, on_delete=models.PROTECT, related_name="incident_links")
    name = models.CharField(max_length=200)

    objects = scoped("incident")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "name"], name="incident_tool_once")]

    def __str__(self) -> str:
        return self.name if self.tool_id else f"{self.name} (outside inventory)"

    @property
    def outside_inventory(self) -> bool:
        return self.tool_id is None


class ClassificationKind(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional (computed at recording)"
    RECOMPUTED = "recomputed", "Recomputed after a change of facts"
    HELD = "held", "Held: computed level fell, no silent downgrade"
    DEFINITIVE = "definitive", "Definitive classification"
    ESCALATION = "escalation", "Escalation by a person"
    DOWNGRADE = "downgrade", "Downgrade by a person, with reason"


class Classification(models.Model):
    """Every change of an incident's level, with its reasons: the severity history."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="classifications")
    level = models.PositiveSmallIntegerField()
    previous_level = models.PositiveSmallIntegerField(null=True)
    computed_level = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=ClassificationKind.choices)
    reasoning = models.TextField(blank=True)
    reasons = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=150)
    at = models.DateTimeField()

    objects = scoped("incident")

    class Meta:
        ordering = ["at", "pk"]


class IncidentAccess(models.Model):
    """A person named on a restricted incident (seed §8: the register is "accessible only to the founder")."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_access")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "user"], name="incident_access_once")]


class DeletedIncident(models.Model):
    """What is kept of an incident deleted at the end of its retention period: who may still read its history.

    The audit chain keeps an incident's events after the incident is gone (they are append-only), and the
    access policy hides a restricted incident's events by its reference. Once the incident row, and with it
    the list of people named on it, was deleted, its events (description included) were shown to every
    auditor. This small row, written in the deletion's transaction, keeps the restriction: the reference,
    whether it was restricted, who was named, and the triage items that became it (their first events name
    no incident). ``policy.hidden_references`` reads it.
    """

    reference = models.CharField(max_length=20, unique=True)
    restricted = models.BooleanField(default=False)
    named = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    triage_items = models.JSONField(default=list, blank=True, help_text="Ids of the triage items that became it")
    deleted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["restricted"], condition=models.Q(restricted=True),
                                name="deleted_incident_restricted")]

    def __str__(self) -> str:
        return f"{self.reference} (deleted{', restricted' if self.restricted else ''})"


class SavedView(models.Model):
    """A register filter a person saved under a name: private, or shared with everyone (decision 13x).

    ``params`` are the register filter's own (``filters.RegisterFilter``), stored by name: "owner": "me" and
    "period": "this_quarter" are read when the view is used, so one shared view serves everyone, every quarter.
    """

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    shared = models.BooleanField(default=False, help_text="Everyone who sees the register sees this view")
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_person")]

    def __str__(self) -> str:
        return self.name
