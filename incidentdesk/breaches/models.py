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
