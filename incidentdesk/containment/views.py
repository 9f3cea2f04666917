from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import post_action

from . import services
from .forms import ContainmentAssignForm, ContainmentForm, ResultForm
from .models import ContainmentAction


@login_required
@require_POST
def add(request, reference: str):
    return post_action(request, reference, Capability.EDIT, ContainmentForm,
                       lambda i, d: services.contain(incident=i, by=request.user, **d),
                       "Containment action recorded.")


@login_required
@require_POST
def assign(request, reference: str, pk: int):
    def act(incident, data):
        action = get_object_or_404(ContainmentAction.objects.visible_to(request.user), pk=pk, incident=incident)
        services.assign(action=action, assignee=data["assignee"], due_at=data["due_at"], by=request.user)

    return post_action(request, reference, Capability.EDIT, ContainmentAssignForm, act, "Assignment saved.")


@login_required
@require_POST
def result(request, reference: str, pk: int):
    def act(incident, data):
        action = get_object_or_404(ContainmentAction.objects.visible_to(request.user), pk=pk, incident=incident)
        services.record_result(action=action, result=data["result"], by=request.user)

    return post_action(request, reference, Capability.EDIT, ResultForm, act, "Result recorded.")
