from django import forms

from incidentdesk.incidents.forms import AssignForm

from .models import Target


class LessonForm(forms.Form):
    prefix = "lesson"
    target = forms.ChoiceField(label="Feeds into", choices=Target.choices)
    text = forms.CharField(label="Lesson", widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("yes", "Accept"), ("no", "Reject")], coerce=lambda v: v == "yes")
    note = forms.CharField(label="Change-log line, or reason for rejecting", required=False)


class LessonAssignForm(AssignForm):
    """Who decides a proposed lesson, and by when."""
