"""API: governance documents (issue 14). The same services, roles and refusals as the web pages."""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, UtcDateTime, choices, require

from . import diff, present, services
from .models import DocumentKind, DocumentVersion, VersionStatus

router = Router(tags=["documents"])


class ControlRow(Schema):
    label: str = Field(description="Seed §1 document-control field")
    value: str = Field(description="Its value, in words")


class VersionOut(Schema):
    document: str = Field(description=choices(DocumentKind))
    number: int = Field(description="Version number")
    status: str = Field(description=choices(VersionStatus))
    effective_on: date | None = Field(description="The day it comes (or came) into force")
    approved_at: UtcDateTime | None = Field(description="When it was approved (UTC)")
    approved_by: str | None = Field(description="Who approved it")
    author: str | None = Field(description="Who wrote it")
    change_notes: str = Field(description="What changed, and why")
    body: str = Field(description="The text, in Markdown")
    control: list[ControlRow] = Field(description="The document-control block")


class DocumentOut(Schema):
    kind: str = Field(description=choices(DocumentKind))
    title: str = Field(description="The document's name")
    in_force: int | None = Field(description="The number of the version in force")
    open_version: int | None = Field(description="The number of the draft or version in review")
    next_review_on: date | None = Field(description="Next review")
    published: bool = Field(description="Shown at its public address")
    proposed_changes: list[str] = Field(description="Sources changed since the last generated version")


class SectionChangeOut(Schema):
    heading: str = Field(description="The section")
    change: str = Field(description="added, changed or removed")
    added: list[str] = Field(description="Lines added")
    removed: list[str] = Field(description="Lines removed")


class DiffOut(Schema):
    against: int | None = Field(description="The version compared with (in force, or the newest approved)")
    summary: str = Field(description="In words")
    sections: list[SectionChangeOut]


class EditIn(Schema):
    body: str | None = Field(None, description="The text, in Markdown")
    change_notes: str | None = Field(None, description="What changed, and why")
    effective_on: date | None = Field(None, description="The day it should come into force")


class ApproveIn(Schema):
    effective_on: date | None = Field(None, description="The day it comes into force (empty: today)")


class ReturnIn(Schema):
    reason: str = Field(description="What must change before it can be approved")


def _name(user) -> str | None:
    return user.get_username() if user else None


def _version(v: DocumentVersion) -> dict:
    return {"document": v.document.kind, "number": v.number, "status": v.status, "effective_on": v.effective_on,
            "approved_at": v.approved_at, "approved_by": _name(v.approved_by), "author": _name(v.author),
            "change_notes": v.change_notes, "body": v.body,
            "control": [{"label": k, "value": val} for k, val in present.control_rows(v)]}


def _document(doc) -> dict:
    current, open_ = services.in_force(doc), services.open_version(doc)
    return {"kind": doc.kind, "title": str(doc), "in_force": current.number if current else None,
            "open_version": open_.number if open_ else None, "next_review_on": doc.next_review_on,
            "published": bool(doc.published_at), "proposed_changes": services.proposed_changes(doc)}


@router.get("", response={200: list[DocumentOut], **PROBLEMS}, auth=READ, summary="The document register")
def list_documents(request):
    require(request, Capability.VIEW_REGISTER)
    return [_document(d) for d in services.register()]


@router.get("/{kind}", response={200: DocumentOut, **PROBLEMS}, auth=READ, summary="One document")
def get_document(request, kind: str):
    require(request, Capability.VIEW_REGISTER)
    return _document(services.document(kind))


@router.get("/{kind}/versions/{int:number}", response={200: VersionOut, **PROBLEMS}, auth=READ,
            summary="One version, with its document-control block")
def get_version(request, kind: str, number: int):
    require(request, Capability.VIEW_REGISTER)
    return _version(services.version_of(kind, number))


@router.get("/{kind}/versions/{int:number}/diff", response={200: DiffOut, **PROBLEMS}, auth=READ,
            summary="What the version changes against the version in force, section by section")
def get_diff(request, kind: str, number: int):
    require(request, Capability.VIEW_REGISTER)
    version = services.version_of(kind, number)
    base = services.latest_frozen(version.document)
    changes = diff.compare(base.body, version.body) if base and base.pk != version.pk else []
    return {"against": base.number if base and base.pk != version.pk else None, "summary": diff.summary(changes),
            "sections": [{"heading": c.heading, "change": c.kind, "added": c.added, "removed": c.removed}
                         for c in changes]}


@router.post("/{kind}/generate", response={200: VersionOut, **PROBLEMS}, auth=WRITE,
             summary="Write the draft from what IncidentDesk knows")
def generate(request, kind: str):
    require(request, Capability.MANAGE_DOCUMENTS)
    return _version(services.generate_draft(kind, by=request.user))


@router.post("/{kind}/draft", response={200: VersionOut, **PROBLEMS}, auth=WRITE,
             summary="Start a draft from the version in force (or return the open one)")
def start_draft(request, kind: str):
    require(request, Capability.MANAGE_DOCUMENTS)
    return _version(services.start_draft(kind, by=request.user))


@router.patch("/{kind}/versions/{int:number}", response={200: VersionOut, **PROBLEMS}, auth=WRITE,
              summary="Change a draft")
def edit(request, kind: str, number: int, body: EditIn):
    require(request, Capability.MANAGE_DOCUMENTS)
    version = services.version_of(kind, number)
    return _version(services.edit_draft(version, by=request.user, **body.dict()))


@router.post("/{kind}/versions/{int:number}/submit", response={200: VersionOut, **PROBLEMS}, auth=WRITE,
             summary="Send a draft for approval")
def submit(request, kind: str, number: int):
    require(request, Capability.MANAGE_DOCUMENTS)
    return _version(services.submit(services.version_of(kind, number), by=request.user))


@router.post("/{kind}/versions/{int:number}/return", response={200: VersionOut, **PROBLEMS}, auth=WRITE,
             summary="Send a version in review back to draft, with a reason")
def send_back(request, kind: str, number: int, body: ReturnIn):
    require(request, Capability.MANAGE_DOCUMENTS)
    return _version(services.return_to_draft(services.version_of(kind, number), by=request.user, reason=body.reason))


@router.post("/{kind}/versions/{int:number}/approve", response={200: VersionOut, **PROBLEMS}, auth=WRITE,
             summary="Approve a version in review (administrators; incident managers where the document says so)")
def approve(request, kind: str, number: int, body: ApproveIn):
    require(request, Capability.MANAGE_DOCUMENTS)  # who among them may approve: services.approval_refusal
    version = services.version_of(kind, number)
    return _version(services.approve(version, by=request.user, effective_on=body.effective_on))


@router.post("/{kind}/publish", response={200: DocumentOut, **PROBLEMS}, auth=WRITE,
             summary="Publish the approved document at its public address")
def publish(request, kind: str):
    require(request, Capability.MANAGE_DOCUMENTS)
    return _document(services.publish(services.document(kind), by=request.user))


@router.post("/{kind}/unpublish", response={200: DocumentOut, **PROBLEMS}, auth=WRITE,
             summary="Take the document off its public address")
def unpublish(request, kind: str):
    require(request, Capability.MANAGE_DOCUMENTS)
    return _document(services.unpublish(services.document(kind), by=request.user))
