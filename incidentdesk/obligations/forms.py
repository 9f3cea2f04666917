from django import forms

from incidentdesk.incidents.forms import AssignForm, datetime_field


class SettleForm(forms.Form):
    """Settle one obligation by hand. The reason is checked by the service, so every channel says the same."""

    reason = forms.CharField(label="Why is this settled?", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="For example: not applicable because the post was never published")
    at = datetime_field("When (leave empty for now)", help_text="In the organisation's time zone")


class ObligationAssignForm(AssignForm):
    """Who meets a clock. No due time: the law (or the procedure) sets it."""

    due_at = None
