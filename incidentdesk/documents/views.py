from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from incidentdesk.web import workspace_of

from . import report as incident_report
from .markdown import to_html
from .services import FORMATS, report_export


@login_required
def report_page(request, reference: str):
    """The incident report as a page: the same sections as the PDF and DOCX, to read before exporting."""
    incident = workspace_of(request, reference)
    return render(request, "documents/report.html", {
        "incident": incident, "title": incident_report.title(incident),
        "sections": [(heading, to_html(text)) for heading, text in incident_report.sections(incident, request.user)]})


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
