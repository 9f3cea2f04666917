from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import post_action

from . import services
from .forms import CapaAssignForm, PlanForm, StepForm
from .models import CorrectiveAction


@login_required
@require_POST
def plan(request, reference: str):
    return post_action(request, reference, Capability.EDIT, PlanForm,
                       lambda i, d: services.plan(incident=i, by=request.user, **d),
                       "Corrective action planned.")


@login_required
@require_POST
def step(request, reference: str, pk: int):
    def act(incident, data):
        action = get_object_or_404(CorrectiveAction, pk=pk, incident=incident)
        if data["step"] == "implement":
            services.implement(action=action, by=request.user)
        elif data["step"] == "accept":
            services.accept(action=action, reason=data["note"], by=request.user)
        else:
            services.verify(action=action, effective=data["step"] == "effective", result=data["note"],
                            by=request.user)

    return post_action(request, reference, Capability.EDIT, StepForm, act, "Corrective action updated.")


@login_required
@require_POST
def assign(request, reference: str, pk: int):
    def act(incident, data):
        action = get_object_or_404(CorrectiveAction.objects.visible_to(request.user), pk=pk, incident=incident)
        services.reassign(action=action, assignee=data["assignee"], due_on=data["due_on"], by=request.user)

    return post_action(request, reference, Capability.EDIT, CapaAssignForm, act, "Assignment saved.")
