from django import forms

from .scenarios import library


class StartForm(forms.Form):
    scenario = forms.ChoiceField(label="Scenario", help_text="The incident the team will rehearse; its facts are "
                                 "revealed by you, the facilitator, one inject at a time.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [(s.key, f"Level {s.level}: {s.title}") for s in library().values()]


class RevealForm(forms.Form):
    inject = forms.CharField(max_length=64)


class EndForm(forms.Form):
    pass
