from django import forms

from incidentdesk.incidents.forms import AssignForm, datetime_field

from .models import ContainmentKind, ContainmentResult


class ContainmentForm(forms.Form):
    prefix = "containment"
    kind = forms.ChoiceField(label="Containment action", choices=ContainmentKind.choices)
    description = forms.CharField(label="What exactly", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    taken_at = datetime_field("When", required=True)
    taken_by = forms.CharField(label="Who did it", max_length=150)
    result = forms.ChoiceField(label="Result", choices=ContainmentResult.choices, initial=ContainmentResult.PENDING)


class ContainmentAssignForm(AssignForm):
    """Who follows the action up until its result is known, and by when."""


class ResultForm(forms.Form):
    result = forms.ChoiceField(label="Result", choices=ContainmentResult.choices)
