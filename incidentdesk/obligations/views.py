"""Settle an obligation by hand from the incident workspace (a person with the classify capability)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import post_action

from . import services
from .forms import SettleForm


@login_required
@require_POST
def settle(request, reference: str, rule_id: str):
    def act(incident, data):
        obligation = services.obligation_of(incident, rule_id)
        services.settle(obligation=obligation, reason=data["reason"], at=data["at"], by=request.user)

    return post_action(request, reference, Capability.CLASSIFY, SettleForm, act,
                       f"{rule_id} settled by hand. The reason is kept on the clock and in the activity log.")
