from django import forms

from incidentdesk.incidents.forms import AssignForm, datetime_field

from .drafts import KINDS, LANGUAGES
from .models import Channel


class NewDraftForm(forms.Form):
    kind = forms.ChoiceField(choices=list(KINDS.items()))
    rule_id = forms.CharField(required=False, widget=forms.HiddenInput)
    language = forms.ChoiceField(choices=[("", "The organisation's language"), *LANGUAGES.items()], required=False,
                                 label="Language")


class EditDraftForm(forms.Form):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24}), help_text="Markdown")


class SendForm(forms.Form):
    recipient = forms.CharField(max_length=200)
    channel = forms.ChoiceField(choices=Channel.choices)
    sent_at = datetime_field("Sent at", required=True)
    reference = forms.CharField(label="Reference number returned", required=False, max_length=200)


class AcknowledgementForm(forms.Form):
    """The recipient confirmed receipt: for the notice to a provider, AI Act Art 26(5)."""

    at = datetime_field("Acknowledged at", required=True)
    how = forms.CharField(label="Who confirmed, and how", max_length=300,
                          help_text="e.g. an email from the provider's incident desk, ticket 4411")


class DraftAssignForm(AssignForm):
    """Who reviews a draft before it is sent, and by when."""
