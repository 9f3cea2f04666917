from django import forms

from .models import Organisation


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "country", "time_zone", "supervisory_authority", "contact_point", "ai_act_authority",
                  "ai_act_role",
                  "gdpr_role", "nis2_entity", "nis2_trust_service_provider", "dora_financial_entity",
                  "dora_weekend_relief", "sb53_frontier_developer", "raise_frontier_developer",
                  "gpai_systemic_risk_provider", "mdr_manufacturer", "cra_manufacturer",
                  "retention_years", "retention_reason", "procedure_reviewed_on",
                  "tabletop_done_on"]
        widgets = {"retention_reason": forms.Textarea(attrs={"rows": 2}),
                   "procedure_reviewed_on": forms.DateInput(attrs={"type": "date"}),
                   "tabletop_done_on": forms.DateInput(attrs={"type": "date"})}
