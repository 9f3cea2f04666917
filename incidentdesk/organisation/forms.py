from django import forms

from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.facts import OrganisationFacts

from .models import RETENTION_FLOOR_YEARS, DraftLanguage, Organisation

#: Labels of the profile fields that are not facts of the assessment (the facts' words are in the vocabulary).
OTHER_LABELS = {
    "contact_point": ("DPO or other contact point", "Name and contact details given to authorities and the people "
                      "concerned (GDPR Art 33(3)(b), 34(2))."),
    "ai_act_authority": ("AI Act authority", "The AI Act market surveillance authority, e.g. BIPT (presumed)."),
    "retention_reason": ("Reason for a shorter retention",
                         f"Why the register is kept less than {RETENTION_FLOOR_YEARS} years (required then)."),
}


class ProfileForm(forms.ModelForm):
    """The organisation profile. A field that is a fact reads its label, help and "why" from the vocabulary."""

    class Meta:
        model = Organisation
        fields = ["name", "country", "time_zone", "supervisory_authority", "contact_point", "draft_language",
                  "ai_act_authority",
                  "ai_act_role", "immediate_target_hours", "provider_ack_hours", "art73_reading",
                  "gdpr_role", "nis2_entity", "nis2_trust_service_provider", "dora_financial_entity",
                  "dora_weekend_relief", "sb53_frontier_developer", "raise_frontier_developer",
                  "gpai_systemic_risk_provider", "mdr_manufacturer", "cra_manufacturer",
                  "retention_years", "retention_reason"]
        widgets = {"retention_reason": forms.Textarea(attrs={"rows": 2})}

    #: AI Act settings added after the first profiles: a form (or a script) that leaves them out keeps what is stored.
    KEPT_WHEN_BLANK = ("immediate_target_hours", "provider_ack_hours", "art73_reading", "draft_language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.KEPT_WHEN_BLANK:
            self.fields[name].required = False
        for name, field in self.fields.items():
            if name in OrganisationFacts.model_fields:
                path = f"organisation.{name}"
                field.label, field.help_text, field.why = vocabulary.label(path), vocabulary.help(path), \
                    vocabulary.why(path)
                if vocabulary.choices(path) and hasattr(field, "choices"):
                    field.choices = vocabulary.choices(path)
            elif name in OTHER_LABELS:
                field.label, field.help_text = OTHER_LABELS[name]

    def _kept(self, name: str):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value in (None, "") else value

    def clean_immediate_target_hours(self):
        return self._kept("immediate_target_hours")

    def clean_provider_ack_hours(self):
        return self._kept("provider_ack_hours")

    def clean_art73_reading(self):
        return self._kept("art73_reading")

    def shown(self) -> list[tuple[str, str]]:
        """The saved profile as (label, value) rows a person reads: Yes/No, choice labels, dates; never True/False."""
        rows = []
        for name, field in self.fields.items():
            value = getattr(self.instance, name)
            if name in OrganisationFacts.model_fields:
                text = vocabulary.show(f"organisation.{name}", value) if value not in ("", None) else "—"
            else:
                text = "—" if value in ("", None) else str(value)
            rows.append((str(field.label), text))
        return rows

    def clean_draft_language(self) -> str:
        # Left out of a post (an older script, a test), the language stays as it was rather than refusing the form.
        return self.cleaned_data.get("draft_language") or self.instance.draft_language or DraftLanguage.ENGLISH
