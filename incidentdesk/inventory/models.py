"""The AI tool inventory (seed procedure: "AIAdopt AI Tool Inventory"). Incidents link to tools."""

from django.db import models


class RiskClass(models.TextChoices):
    """The AI Act class of a tool. High-risk carries its annex (one field, so class and annex cannot disagree):
    the annex decides the application dates (Art 113(c); Reg. (EU) 2026/1744)."""

    PROHIBITED = "prohibited", "Prohibited (AI Act Art 5)"
    HIGH_RISK_ANNEX_I = "high_risk_annex_i", "High-risk: a product under Annex I (AI Act Art 6(1))"
    HIGH_RISK_ANNEX_III = "high_risk_annex_iii", "High-risk: a use case under Annex III (AI Act Art 6(2))"
    HIGH_RISK = "high_risk", "High-risk, annex not recorded yet (the earlier dates apply)"
    LIMITED = "limited", "Limited risk (transparency, Art 50)"
    MINIMAL = "minimal", "Minimal risk"
    GPAI = "gpai", "General-purpose AI model"


#: The risk classes that are high-risk, and the annex each names (None: not recorded yet).
HIGH_RISK_ANNEX = {RiskClass.HIGH_RISK_ANNEX_I: "annex_i", RiskClass.HIGH_RISK_ANNEX_III: "annex_iii",
                   RiskClass.HIGH_RISK: None}


class ToolRole(models.TextChoices):
    """Our AI Act role for one tool; empty means the organisation profile's role."""

    PROVIDER = "provider", "Provider"
    DEPLOYER = "deployer", "Deployer"
    BOTH = "both", "Provider and deployer"


class AITool(models.Model):
    name = models.CharField(max_length=200, unique=True)
    provider = models.CharField(max_length=200, blank=True)
    version = models.CharField(max_length=100, blank=True)
    purpose = models.TextField(blank=True)
    approved = models.BooleanField(default=True, help_text="Approved for operational use under the AI usage policy")
    risk_class = models.CharField(max_length=20, choices=RiskClass.choices, default=RiskClass.MINIMAL)
    ai_act_role = models.CharField(
        "Our AI Act role for this tool", max_length=10, choices=ToolRole.choices, blank=True,
        help_text="Empty: the organisation profile's role. Provider if you developed it or put your name on it")
    medical_device = models.BooleanField(
        "Medical device, or a safety component of one", null=True, blank=True,
        help_text="Under Reg. (EU) 2017/745 or 2017/746 (AI Act Art 73(10)); empty: not known")
    equivalent_reporting = models.BooleanField(
        "Provider bound by equivalent EU incident-reporting rules", null=True, blank=True,
        help_text="For Annex III systems (AI Act Art 73(9)), e.g. a provider that reports under DORA or NIS2; "
                  "empty: not known")
    data_classes_allowed = models.JSONField(default=list, blank=True,
                                            help_text="Data classes that may be entered, e.g. public, internal")
    owner = models.CharField(max_length=200, blank=True)
    provider_incident_contact = models.CharField(max_length=300, blank=True)
    rollback_procedure = models.TextField(blank=True, help_text="How to roll back, switch to the fallback or stop "
                                                                "this tool; offered when containing an incident")
    briefing_required = models.BooleanField(
        "Briefing required before use", default=False,
        help_text="Everyone with access must be briefed on the current incident procedure first (procedure §9)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AI tool"

    def __str__(self) -> str:
        return self.name

    @property
    def high_risk(self) -> bool:
        return self.risk_class in HIGH_RISK_ANNEX

    @property
    def annex(self) -> str | None:
        """annex_i, annex_iii, not_high_risk, or None for a high-risk tool whose annex is not recorded."""
        return HIGH_RISK_ANNEX[self.risk_class] if self.high_risk else "not_high_risk"

    def as_facts(self, name: str) -> dict:
        """The tool as the assessment core reads it (``ToolFacts``); high-risk follows from the annex."""
        return {"name": name, "in_inventory": True, "annex": self.annex, "high_risk": self.high_risk,
                "role": self.ai_act_role or None, "medical_device": self.medical_device,
                "equivalent_reporting": self.equivalent_reporting}
