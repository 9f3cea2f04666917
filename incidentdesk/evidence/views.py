from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.refusals import Refused
from incidentdesk.web import require, workspace_of

from . import services
from .forms import EvidenceForm
from .models import Evidence


@login_required
@require_POST
@submitted_once
def upload(request, reference: str):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Nothing was stored. " + " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("incident-workspace", incident.reference)
    upload = form.cleaned_data["file"]
    old = incident.evidence.filter(pk=form.cleaned_data["supersedes"]).first() if form.cleaned_data["supersedes"] \
        else None
    try:
        row = services.add_evidence(incident=incident, stream=upload, name=upload.name, by=request.user,
                                    description=form.cleaned_data["description"], supersedes=old)
    except Refused as exc:  # an invalid file, or a closed incident
        messages.error(request, f"Nothing was stored. {exc}")
    else:
        messages.success(request, f"Stored {row.original_name}; SHA-256 {row.sha256}.")
    return redirect("incident-workspace", incident.reference)


@login_required
def download(request, reference: str, pk: int):
    incident = workspace_of(request, reference)
    evidence = Evidence.objects.visible_to(request.user).filter(incident=incident, pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence.")
    handle = services.open_evidence(evidence=evidence, by=request.user)
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-SHA256"] = evidence.sha256
    return response


@login_required
@require_POST
def verify(request, reference: str):
    incident = workspace_of(request, reference)
    files = Evidence.objects.visible_to(request.user).filter(incident=incident)
    bad = [e.original_name for e in files if not services.verify_evidence(e)]
    if bad:
        messages.error(request, "Hash mismatch (file changed on disk): " + ", ".join(bad))
    else:
        messages.success(request, "Every evidence file still has the hash recorded at upload.")
    return redirect("incident-workspace", incident.reference)
