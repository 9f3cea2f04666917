"""API: evidence — list, upload (multipart, the same size and type checks as the workspace), download
(recorded in the chain of custody as "viewed") and verify every stored hash."""

from typing import Annotated

from django.http import FileResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import WithJsonSchema

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, UtcDateTime, choices, owned, require, workspace_of

from . import services
from .models import CustodyEvent, Evidence

router = Router(tags=["evidence"])


class CustodyOut(Schema):
    action: str = Field(description=choices(CustodyEvent.Action))
    by_name: str = Field(description="Who")
    at: UtcDateTime = Field(description="When (UTC)")
    note: str = Field(description="Details, e.g. which file superseded this one")


class EvidenceOut(Schema):
    id: int = Field(description="The evidence's id")
    original_name: str = Field(description="The file name as uploaded")
    content_type: str = Field(description="Checked against the file's content at upload")
    size: int = Field(description="Bytes")
    sha256: str = Field(description="SHA-256 of the file, computed at upload (hex)")
    description: str = Field(description="What the file is")
    supersedes_id: int | None = Field(description="The evidence this file corrects, if any")
    current: bool = Field(description="False once a later file supersedes this one")
    added_by_name: str = Field(description="Who added it")
    added_at: UtcDateTime = Field(description="When it was added (UTC)")
    custody: list[CustodyOut] = Field(description="Chain of custody: added, viewed, exported, superseded")


class VerifyOut(Schema):
    ok: bool = Field(description="True when every file still has the hash recorded at upload")
    checked: int = Field(description="How many files were checked")
    mismatched: list[str] = Field(description="Names of the files whose content changed on disk")


#: An optional id in a form: documented as an integer, since a form field cannot carry a JSON null (the
#: schema said "integer or null" and schemathesis' valid "null" was refused).
_FORM_ID = WithJsonSchema({"type": "integer", "description": "Id of the evidence this file corrects"})


def _out(row: Evidence) -> dict:
    return {**{f: getattr(row, f) for f in EvidenceOut.model_fields if f != "custody"},
            "custody": list(row.custody.all())}


@router.get("/{reference}/evidence", response={200: list[EvidenceOut], **PROBLEMS}, auth=READ,
            summary="Evidence files with their hashes and chain of custody")
def list_evidence(request, reference: str):
    incident = workspace_of(request, reference)
    rows = Evidence.objects.visible_to(request.user).filter(incident=incident).prefetch_related("custody")
    return [_out(row) for row in rows.select_related("superseded_by")]


@router.post("/{reference}/evidence", response={201: EvidenceOut, **PROBLEMS}, auth=WRITE,
             summary="Upload evidence (multipart; 25 MB; type checked against the content; never overwritten)")
def upload_evidence(request, reference: str, file: File[UploadedFile],
                    description: str = Form("", max_length=500, description="What the file is"),
                    supersedes: Annotated[int | None, _FORM_ID] = Form(None)):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    old = owned(request, Evidence, supersedes, incident, "evidence") if supersedes is not None else None
    row = services.add_evidence(incident=incident, stream=file, name=file.name or "evidence", by=request.user,
                                description=description, supersedes=old)
    return Status(201, _out(row))


@router.get("/{reference}/evidence/{int:evidence_id}/file", response=PROBLEMS, auth=READ,
            summary="Download the file (recorded in the chain of custody as viewed)",
            openapi_extra={"responses": {"200": {
                "description": "The file as uploaded; its SHA-256 is in the X-Content-SHA256 header",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}}})
def download_evidence(request, reference: str, evidence_id: int):
    incident = workspace_of(request, reference)
    evidence = owned(request, Evidence, evidence_id, incident, "evidence")
    handle = services.open_evidence(evidence=evidence, by=request.user)
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-SHA256"] = evidence.sha256
    return response


@router.post("/{reference}/evidence/verify", response={200: VerifyOut, **PROBLEMS}, auth=READ,
             summary="Verify every evidence file's hash (changes nothing)")
def verify_evidence(request, reference: str):
    incident = workspace_of(request, reference)
    rows = list(Evidence.objects.visible_to(request.user).filter(incident=incident))
    bad = [e.original_name for e in rows if not services.verify_evidence(e)]
    return {"ok": not bad, "checked": len(rows), "mismatched": bad}
