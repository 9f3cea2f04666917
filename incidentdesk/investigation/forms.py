from django import forms

from .models import CauseCategory


class AnalysisForm(forms.Form):
    prefix = "rca"
    what_happened = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    why = forms.CharField(label="Why it happened", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    what_was_done = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    impact = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    what_changes = forms.CharField(label="What changes to prevent recurrence",
                                   widget=forms.Textarea(attrs={"rows": 2}), required=False)
    five_whys = forms.CharField(label="Five whys", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="One answer per line: why? → because … → why? …")
    contributing_factors = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cause_categories = forms.MultipleChoiceField(choices=CauseCategory.choices, required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    systemic_cause = forms.CharField(label="Systemic cause", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text="Fix the system, not just the person: needed when the only cause "
                                               "is human error")
    complete = forms.BooleanField(label="The analysis is complete", required=False)

    def clean_five_whys(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["five_whys"].splitlines() if line.strip()]
