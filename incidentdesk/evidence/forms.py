from django import forms


class EvidenceForm(forms.Form):
    prefix = "evidence"
    file = forms.FileField(help_text="Logs, screenshots, prompt history exports (text, PDF, images, ZIP; 25 MB max)")
    description = forms.CharField(required=False, max_length=500)
    supersedes = forms.IntegerField(required=False, widget=forms.HiddenInput)
