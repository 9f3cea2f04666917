from django import forms

from .models import Organisation


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "country", "time_zone", "supervisory_authority", "contact_point", "ai_act_authority",
                  "ai_act_role", "immediate_target_hours", "provider_ack_hours", "art73_reading",
                  "gdpr_role", "nis2_entity", "nis2_trust_service_provider", "dora_financial_entity",
                  "dora_weekend_relief", "sb53_frontier_developer", "raise_frontier_developer",
                  "gpai_systemic_risk_provider", "retention_years", "retention_reason", "procedure_reviewed_on",
                  "tabletop_done_on"]
        widgets = {"retention_reason": forms.Textarea(attrs={"rows": 2}),
                   "procedure_reviewed_on": forms.DateInput(attrs={"type": "date"}),
                   "tabletop_done_on": forms.DateInput(attrs={"type": "date"})}

    #: AI Act settings added after the first profiles: a form (or a script) that leaves them out keeps what is stored.
    KEPT_WHEN_BLANK = ("immediate_target_hours", "provider_ack_hours", "art73_reading")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.KEPT_WHEN_BLANK:
            self.fields[name].required = False

    def _kept(self, name: str):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value in (None, "") else value

    def clean_immediate_target_hours(self):
        return self._kept("immediate_target_hours")

    def clean_provider_ack_hours(self):
        return self._kept("provider_ack_hours")

    def clean_art73_reading(self):
        return self._kept("art73_reading")
