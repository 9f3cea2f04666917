from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.incidents.page import render_workspace
from incidentdesk.refusals import Refused
from incidentdesk.web import form_problems, refuse_on_form, require, workspace_of

from . import services
from .forms import AnalysisForm


@login_required
@require_POST
def save(request, reference: str):
    """Save the analysis as a draft or complete it. A refusal shows the workspace again with the answers
    as typed and the problem next to its field (the analysis is long: nothing typed is lost), storing nothing.
    """
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    form = AnalysisForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        complete = data.pop("complete")
        try:
            services.save_analysis(incident=incident, by=request.user, complete=complete, **data)
        except Refused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Root-cause analysis saved.")
            return redirect("incident-workspace", incident.reference)
    messages.error(request, f"Nothing was saved. {form_problems(form)}")
    return render_workspace(request, incident, {"rca_form": form}, status=400)
