from django import forms

from incidentdesk.incidents.forms import datetime_field

from .models import SubjectChannel


class CommunicationForm(forms.Form):
    """Who among the people affected was informed (GDPR Art 34): a person or a group, when, how, by whom."""

    prefix = "informed"
    recipients = forms.CharField(label="Who was informed", max_length=300,
                                 help_text="A person or a group, e.g. \u201cthe 120 applicants rejected in March\u201d")
    people = forms.IntegerField(label="How many people (roughly)", required=False, min_value=1,
                                help_text="Leave empty if you do not know")
    channel = forms.ChoiceField(label="How", choices=SubjectChannel.choices)
    informed_at = datetime_field("When", required=True)
    informed_by = forms.CharField(label="Who informed them", max_length=150)
    note = forms.CharField(label="What they were told (optional)", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Or which letter was used, e.g. \u201cArt 34 letter, version 2\u201d")
