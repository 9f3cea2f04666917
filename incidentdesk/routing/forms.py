from django import forms


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label="How the team acknowledged", required=False, max_length=2000,
                           help_text="For example: \"Ana (DPO) confirmed by phone at 10:40\".")
