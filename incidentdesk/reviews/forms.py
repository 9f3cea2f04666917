from django import forms


class PeriodForm(forms.Form):
    """The period of a management review pack: both days included; empty means the last twelve months."""

    first = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The first day of the period (default: twelve months ago)")
    last = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           help_text="The last day of the period, included (default: today)")
