"""Forms for governance documents; labels and help come from the models (one vocabulary)."""

from django import forms
from django.contrib.auth import get_user_model

from .models import Document, DocumentVersion


class VersionForm(forms.ModelForm):
    class Meta:
        model = DocumentVersion
        fields = ["body", "change_notes", "effective_on"]
        labels = {"body": "Text (Markdown)", "change_notes": "What changed, and why",
                  "effective_on": "Comes into force on"}
        widgets = {"body": forms.Textarea(attrs={"rows": 30}), "change_notes": forms.Textarea(attrs={"rows": 4}),
                   "effective_on": forms.DateInput(attrs={"type": "date"})}


class ApproveForm(forms.Form):
    effective_on = forms.DateField(label="Comes into force on", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text="Empty: today")


class ReturnForm(forms.Form):
    reason = forms.CharField(label="What must change before it can be approved",
                             widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["owner", "approver_role", "legal_basis", "next_review_on"]
        labels = {"owner": "Owner", "approver_role": "Approved by", "legal_basis": "Legal basis / reference framework",
                  "next_review_on": "Next review"}
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 3}),
                   "next_review_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
