from django import forms


class PeriodForm(forms.Form):
    """The period of a management review pack: both days included; empty means the last twelve months."""

    first = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The first day of the period (default: twelve months ago)")
    last = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           help_text="The last day of the period, included (default: today)")


class NoChangeForm(forms.Form):
    """Completing a review without a new version: the reason is the record an auditor reads."""

    reason = forms.CharField(label="Why no change is needed", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="What you checked and found, e.g. \"Sections 5 and 7 still match the law; "
                                       "contacts verified\"")
