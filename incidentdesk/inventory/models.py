"""The AI tool inventory (seed procedure: "AIAdopt AI Tool Inventory"). Incidents link to tools."""

from django.db import models


class RiskClass(models.TextChoices):
    PROHIBITED = "prohibited", "Prohibited (AI Act Art 5)"
    HIGH_RISK = "high_risk", "High-risk (AI Act Art 6)"
    LIMITED = "limited", "Limited risk (transparency, Art 50)"
    MINIMAL = "minimal", "Minimal risk"
    GPAI = "gpai", "General-purpose AI model"


class AITool(models.Model):
    name = models.CharField(max_length=200, unique=True)
    provider = models.CharField(max_length=200, blank=True)
    version = models.CharField(max_length=100, blank=True)
    purpose = models.TextField(blank=True)
    approved = models.BooleanField(default=True, help_text="Approved for operational use under the AI usage policy")
    risk_class = models.CharField(max_length=12, choices=RiskClass.choices, default=RiskClass.MINIMAL)
    data_classes_allowed = models.JSONField(default=list, blank=True,
                                            help_text="Data classes that may be entered, e.g. public, internal")
    owner = models.CharField(max_length=200, blank=True)
    provider_incident_contact = models.CharField(max_length=300, blank=True)
    rollback_procedure = models.TextField(blank=True, help_text="How to roll back, switch to the fallback or stop "
                                                                "this tool; offered when containing an incident")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AI tool"

    def __str__(self) -> str:
        return self.name

    @property
    def high_risk(self) -> bool:
        return self.risk_class == RiskClass.HIGH_RISK
