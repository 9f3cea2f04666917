from django import forms


class HoldForm(forms.Form):
    reason = forms.CharField(label="Why it must be kept", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="The claim, the statutory obligation or the investigation (seed §8)")
    until = forms.DateField(label="Keep at least until", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            help_text="Empty: until someone releases the hold")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    """Confirming a deletion carries no field: the proposal holds the reason."""


class RedactForm(forms.Form):
    passage = forms.CharField(label="Words to redact", max_length=500,
                              help_text="A name, an e-mail address, a phone number or a sentence, exactly as written; "
                                        "every occurrence in this incident's texts is replaced by [redacted]")
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="For example: not necessary for handling the incident (seed §8)")


class SubjectForm(forms.Form):
    person = forms.CharField(label="Name or e-mail address", max_length=200,
                             help_text="Every incident you can see whose texts mention this person")
