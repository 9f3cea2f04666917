"""GDPR breach assessment: the ENISA-based recommendation and a person's decision, side by side.

The recommendation is recomputed whenever facts change; the decision is only ever made by a
person, and wins. Both are kept so an auditor sees what was advised and what was decided.
"""

from django.conf import settings
from django.db import models

from incidentdesk.incidents.models import Incident
from incidentdesk.incidents.policy import scoped


class BreachAssessment(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="breach_assessment")
    score = models.FloatField(null=True)
    band = models.CharField(max_length=12, blank=True)
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
