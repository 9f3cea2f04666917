from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from incidentdesk.web import workspace_of

from .services import FORMATS, report_export


@login_required
def report(request, reference: str, fmt: str):
    """The incident report for an auditor, as PDF or DOCX. Generating it is logged."""
    incident = workspace_of(request, reference)
    if fmt not in FORMATS:
        raise Http404("Export as pdf or docx.")
    content = report_export(incident=incident, fmt=fmt, by=request.user, via="web")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{incident.reference}-report.{fmt}"'
    return response
