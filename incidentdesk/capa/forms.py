from django import forms

from incidentdesk.incidents.forms import AssignForm, person_field

from .models import ActionKind


class PlanForm(forms.Form):
    prefix = "capa"
    kind = forms.ChoiceField(choices=ActionKind.choices)
    description = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 2}))
    assignee = person_field("Owner (who carries it out)")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    effectiveness_method = forms.CharField(label="How effectiveness will be checked", required=False)
    effectiveness_due_on = forms.DateField(label="Check due", required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))


class StepForm(forms.Form):
    """Implement, verify (effective or not) or accept one action."""

    step = forms.ChoiceField(choices=[("implement", "Implemented"), ("effective", "Verified effective"),
                                      ("not_effective", "Not effective"), ("accept", "Accept without verification")])
    note = forms.CharField(label="Result of the check, or reason for accepting", required=False)


class CapaAssignForm(AssignForm):
    """Give an action to another person; its due date may move with it."""

    due_at = None
    due_on = forms.DateField(label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"}))
