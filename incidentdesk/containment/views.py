from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import post_action

from . import services
from .forms import ContainmentForm


@login_required
@require_POST
def add(request, reference: str):
    return post_action(request, reference, Capability.EDIT, ContainmentForm,
                       lambda i, d: services.contain(incident=i, by=request.user, **d),
                       "Containment action recorded.")
