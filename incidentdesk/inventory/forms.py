from django import forms

from .models import AITool


class ToolForm(forms.ModelForm):
    data_classes_allowed = forms.CharField(label="Data classes allowed", required=False,
                                           help_text="Comma-separated, e.g. public, internal, client-confidential")

    class Meta:
        model = AITool
        labels = {"approved": "Approved for operational use", "risk_class": "AI Act risk class",
                  "provider_incident_contact": "Provider's incident contact",
                  "rollback_procedure": "Rollback or fallback procedure"}
        fields = ["name", "provider", "version", "purpose", "approved", "risk_class", "ai_act_role", "medical_device",
                  "equivalent_reporting", "data_classes_allowed", "owner",
                  "provider_incident_contact", "rollback_procedure", "briefing_required"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3}),
                   "medical_device": forms.NullBooleanSelect, "equivalent_reporting": forms.NullBooleanSelect,
                   "rollback_procedure": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["data_classes_allowed"] = ", ".join(self.instance.data_classes_allowed)

    def clean_data_classes_allowed(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["data_classes_allowed"].split(",") if part.strip()]
