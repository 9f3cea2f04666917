"""Section 7 of the procedure seed: who to tell, how to reach them, and when that was last checked."""

from datetime import date, timedelta

from django.db import models

STALE_AFTER = timedelta(days=365)  # seed §7 and annual review: a contact older than 12 months is suspect


class ContactKind(models.TextChoices):
    SUPERVISORY_AUTHORITY = "supervisory_authority", "Data protection supervisory authority"
    AI_ACT_AUTHORITY = "ai_act_authority", "AI Act market surveillance authority"
    NIS2_CSIRT = "nis2_csirt", "NIS2 CSIRT / competent authority"
    FINANCIAL_AUTHORITY = "financial_authority", "DORA financial supervisor"
    TOOL_PROVIDER = "tool_provider", "AI tool provider"
    CLIENT = "client", "Client"
    LEGAL = "legal", "Legal adviser"
    IT_SECURITY = "it_security", "IT security"
    LEGAL_TEAM = "legal_team", "Legal team"
    HR = "hr", "HR"
    MANAGEMENT = "management", "Management"
    PRIVACY = "privacy", "Privacy / data protection officer (DPO)"
    OTHER = "other", "Other"


class Contact(models.Model):
    kind = models.CharField(max_length=24, choices=ContactKind.choices)
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    how_to_reach = models.TextField(blank=True, help_text="Portal, form, hours, escalation order")
    escalation_order = models.PositiveSmallIntegerField(default=1, help_text="1 first, then 2…")
    last_verified_on = models.DateField(help_text="When these details were last checked")
    private = models.BooleanField(
        "Internal only", default=False,
        help_text="Left out of published documents (a personal phone number, an internal escalation line)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "escalation_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def stale(self, today: date | None = None) -> bool:
        return (today or date.today()) - self.last_verified_on > STALE_AFTER
