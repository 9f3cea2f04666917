from django import forms

from incidentdesk.inventory.models import AITool

from .models import Briefing, BriefingKind, BriefingTask, ToolAccess


class BriefingForm(forms.ModelForm):
    task = forms.ModelChoiceField(queryset=BriefingTask.objects.none(), required=False,
                                  label="For the briefing task", help_text="Completes the task a lesson gave")

    class Meta:
        model = Briefing
        fields = ["person_name", "person_email", "kind", "procedure_version", "subject", "given_on", "given_by",
                  "task"]
        widgets = {"given_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BriefingKind.choices
        self.fields["procedure_version"].help_text += " (empty: the current one)"
        self.fields["task"].queryset = tasks if tasks is not None else BriefingTask.objects.none()


class AccessForm(forms.ModelForm):
    tool = forms.ModelChoiceField(queryset=AITool.objects.all(), label="AI tool")

    class Meta:
        model = ToolAccess
        fields = ["tool", "person_name", "person_email", "since"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class EndAccessForm(forms.Form):
    ended_on = forms.DateField(label="Access ended on",
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
