"""GDPR breach assessment: the EDPB-based recommendation and a person's decision, side by side.

The recommendation (the EDPB risk assessment, with the ENISA score as one documented input) is
recomputed whenever facts change; the decision is only ever made by a person, and wins. Both are kept
so an auditor sees what was advised, on which factors, and what was decided.
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class RiskOutcome(models.TextChoices):
    """The three outcomes of the EDPB risk assessment (Guidelines 9/2022 section IV)."""

    NO_RISK = "no_risk", "No risk likely: document only (Art 33(5))"
    RISK = "risk", "Risk: notify the supervisory authority (Art 33(1))"
    HIGH_RISK = "high_risk", "High risk: also tell the people affected (Art 34(1))"


class BreachAssessment(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="breach_assessment")
    outcome = models.CharField(max_length=12, blank=True, choices=RiskOutcome.choices,
                               help_text="The EDPB risk outcome; the worst case while facts are missing")
    provisional = models.BooleanField(default=False, help_text="Missing facts could still change the outcome")
    best_case = models.CharField(max_length=12, blank=True, choices=RiskOutcome.choices,
                                 help_text="The outcome if the missing facts turn out well (only when provisional)")
    factors = models.JSONField(default=list, help_text="Each EDPB factor: what the facts say, its effect, its source")
    score = models.FloatField(null=True, help_text="ENISA severity score: an input for the internal record")
    band = models.CharField(max_length=12, blank=True)
    enisa_reasons = models.JSONField(default=list, help_text="How the ENISA score was computed (internal)")
    recommend_notify_authority = models.BooleanField(null=True)
    recommend_communicate_subjects = models.BooleanField(null=True)
    reasons = models.JSONField(default=list)
    unknown = models.JSONField(default=list)
    decided_notify_authority = models.BooleanField(null=True)
    decided_communicate_subjects = models.BooleanField(null=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped("incident")

    @property
    def audit_incident_ref(self) -> str:
        return self.incident.reference


# --- Informing the people affected (GDPR Art 34): one row per person or group informed ---------------------


class SubjectChannel(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    PHONE = "phone", "Telephone"
    IN_PERSON = "in_person", "In person"
    MESSAGE = "message", "Message in the app, portal or website account"
    PUBLIC = "public", "Public communication (Art 34(3)(c))"
    OTHER = "other", "Other"


class SubjectCommunication(models.Model):
    """Who among the people affected was told about the breach, when, how and by whom (GDPR Art 34).

    A row names a person or a group ("the 120 rejected applicants"), with an approximate number of people,
    so the register can show how many of those affected were reached. Rows are added, never edited: a
    correction is a new row, and the audit log holds both.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="subject_communications")
    recipients = models.CharField(max_length=300, help_text="The person or group informed")
    people = models.PositiveIntegerField(null=True, blank=True, help_text="How many people, roughly")
    channel = models.CharField(max_length=12, choices=SubjectChannel.choices)
    informed_at = models.DateTimeField()
    informed_by = models.CharField(max_length=150, help_text="Who informed them (may differ from who records it)")
    note = models.TextField(blank=True, help_text="What they were told, or which letter was used")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped("incident")

    class Meta:
        ordering = ["informed_at", "pk"]

    @property
    def audit_incident_ref(self) -> str:
        return self.incident.reference
