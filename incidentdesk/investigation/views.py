from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import post_action

from . import services
from .forms import AnalysisForm


@login_required
@require_POST
def save(request, reference: str):
    def act(incident, data):
        complete = data.pop("complete")
        services.save_analysis(incident=incident, by=request.user, complete=complete, **data)

    return post_action(request, reference, Capability.EDIT, AnalysisForm, act, "Root-cause analysis saved.")
