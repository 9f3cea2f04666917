"""API: documents — the incident report for an auditor and a notification draft, as PDF or DOCX
(the same documents as the workspace's export links; generating the report is logged)."""

from typing import Literal

from django.http import HttpResponse
from ninja import Router

from incidentdesk.api_base import PROBLEMS, READ, owned, workspace_of
from incidentdesk.notifications.models import NotificationDraft

from .services import FORMATS, draft_export, report_export

router = Router(tags=["documents"])


def _binary(description: str) -> dict:
    return {"responses": {"200": {"description": description, "content": {
        media: {"schema": {"type": "string", "format": "binary"}} for media in FORMATS.values()}}}}


def _attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/{reference}/report/{fmt}", response=PROBLEMS, auth=READ,
            summary="The incident report as pdf or docx (logged)", openapi_extra=_binary("The incident report"))
def report(request, reference: str, fmt: Literal["pdf", "docx"]):
    incident = workspace_of(request, reference)
    content = report_export(incident=incident, fmt=fmt, by=request.user, via="api")
    return _attachment(content, fmt, f"{incident.reference}-report.{fmt}")


@router.get("/{reference}/drafts/{int:draft_id}/export/{fmt}", response=PROBLEMS, auth=READ,
            summary="One draft version as pdf or docx (logged)", openapi_extra=_binary("The draft"))
def export_draft(request, reference: str, draft_id: int, fmt: Literal["pdf", "docx"]):
    incident = workspace_of(request, reference)
    draft = owned(request, NotificationDraft, draft_id, incident, "draft")
    return _attachment(draft_export(draft=draft, fmt=fmt, by=request.user, via="api"), fmt,
                       f"{incident.reference}-{draft.kind}-v{draft.version}.{fmt}")
