from django import forms

from .models import DraftLanguage, Organisation


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "country", "time_zone", "supervisory_authority", "contact_point", "draft_language",
                  "ai_act_authority",
                  "ai_act_role",
                  "gdpr_role", "nis2_entity", "nis2_trust_service_provider", "dora_financial_entity",
                  "dora_weekend_relief", "sb53_frontier_developer", "raise_frontier_developer",
                  "gpai_systemic_risk_provider", "retention_years", "retention_reason", "procedure_reviewed_on",
                  "tabletop_done_on"]
        widgets = {"retention_reason": forms.Textarea(attrs={"rows": 2}),
                   "procedure_reviewed_on": forms.DateInput(attrs={"type": "date"}),
                   "tabletop_done_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out of a post (an older script, a test), the language stays as it was rather than refusing the form.
        self.fields["draft_language"].required = False

    def clean_draft_language(self) -> str:
        return self.cleaned_data.get("draft_language") or self.instance.draft_language or DraftLanguage.ENGLISH
