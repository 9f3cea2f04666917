from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from incidentdesk.audit import services as audit
from incidentdesk.web import workspace_of

from .services import FORMATS, incident_report


@login_required
def report(request, reference: str, fmt: str):
    """The incident report for an auditor, as PDF or DOCX. Generating it is logged."""
    incident = workspace_of(request, reference)
    if fmt not in FORMATS:
        raise Http404("Export as pdf or docx.")
    content = incident_report(incident, fmt)
    audit.record(action="report.exported", object_type="incident", object_id=incident.pk, by=request.user,
                 incident_ref=incident.reference, after={"format": fmt})
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{incident.reference}-report.{fmt}"'
    return response
