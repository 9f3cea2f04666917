from django import forms

from .models import LinkKind


class TagForm(forms.Form):
    name = forms.CharField(label="Tag", max_length=40, help_text="e.g. phishing, vendor-x")


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label="This incident is", choices=LinkKind.choices)
    other = forms.CharField(label="Incident id", max_length=20, help_text="e.g. INC-2026-004")
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class OtherForm(forms.Form):
    other = forms.CharField(label="Incident id", max_length=20)


class MergeForm(forms.Form):
    into = forms.CharField(label="Merge into incident", max_length=20, help_text="The incident that goes on")
    reason = forms.CharField(label="Why they are the same incident", widget=forms.Textarea(attrs={"rows": 2}))
