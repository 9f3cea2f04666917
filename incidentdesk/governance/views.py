"""Governance documents on the web: the register, a document with its versions, a version with its diff,
and the public address of a published document. Thin: every change goes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.audit.services import record
from incidentdesk.documents.markdown import to_html
from incidentdesk.refusals import NotFound, Refused
from incidentdesk.web import refuse_on_form, require

from . import diff, present, services
from .forms import ApproveForm, DocumentForm, ReturnForm, VersionForm
from .models import KIND_HELP, STATUS_HELP, DocumentKind, VersionStatus


def _document(kind: str):
    try:
        return services.document(kind)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _version(kind: str, number: int):
    try:
        return services.version_of(kind, number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def register(request):
    require(request, Capability.VIEW_REGISTER)
    rows = []
    for doc in services.register():
        rows.append({"doc": doc, "help": KIND_HELP[doc.kind], "in_force": services.in_force(doc),
                     "open": services.open_version(doc), "proposed": services.proposed_changes(doc)})
    return render(request, "governance/register.html", {"rows": rows, "here": "documents"})


@login_required
def document(request, kind: str):
    require(request, Capability.VIEW_REGISTER)
    doc = _document(kind)
    current = services.in_force(doc)
    return render(request, "governance/document.html", {
        "doc": doc, "help": KIND_HELP[doc.kind], "current": current, "open": services.open_version(doc),
        "control": present.control_rows(current) if current else [],
        "html": to_html(current.body) if current else "", "versions": doc.versions.all(),
        "proposed": services.proposed_changes(doc), "settings": DocumentForm(instance=doc),
        "public": services.public_version(doc), "status_help": STATUS_HELP, "here": "documents"})


@login_required
def version(request, kind: str, number: int):
    require(request, Capability.VIEW_REGISTER)
    item = _version(kind, number)
    base = services.latest_frozen(item.document)
    changes = diff.compare(base.body, item.body) if base and base.pk != item.pk else []
    refusal = services.approval_refusal(item, request.user) if item.status == VersionStatus.IN_REVIEW else None
    return render(request, "governance/version.html", {
        "v": item, "doc": item.document, "control": present.control_rows(item), "html": to_html(item.body),
        "base": base if base and base.pk != item.pk else None, "changes": changes,
        "diff_summary": diff.summary(changes), "tracked": present.tracked_changes(item, request.user),
        "approve_form": ApproveForm(), "return_form": ReturnForm(),
        "may_approve": item.status == VersionStatus.IN_REVIEW and refusal is None,
        "approval_refusal": str(refusal) if refusal else "", "here": "documents"})


def _act(request, kind: str, action, success: str, number: int | None = None):
    require(request, Capability.MANAGE_DOCUMENTS)
    try:
        result = action()
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("document-version", kind, number) if number else redirect("document", kind)
    messages.success(request, success)
    target = getattr(result, "number", None)
    return redirect("document-version", kind, target) if target else redirect("document", kind)


@login_required
@require_POST
def generate(request, kind: str):
    _document(kind)
    return _act(request, kind, lambda: services.generate_draft(kind, by=request.user),
                "Draft written from what IncidentDesk knows. Read it, change what needs changing, then send it "
                "for approval.")


@login_required
@require_POST
def start(request, kind: str):
    _document(kind)
    return _act(request, kind, lambda: services.start_draft(kind, by=request.user), "Draft started from the "
                "version in force.")


@login_required
def edit(request, kind: str, number: int):
    require(request, Capability.MANAGE_DOCUMENTS)
    item = _version(kind, number)
    form = VersionForm(request.POST or None, instance=_version(kind, number))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_draft(item, by=request.user, **form.cleaned_data)
        except Refused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect("document-version", kind, number)
    return render(request, "governance/edit.html", {"form": form, "v": item, "doc": item.document,
                                                    "here": "documents"}, status=400 if form.errors else 200)


@login_required
@require_POST
def submit(request, kind: str, number: int):
    item = _version(kind, number)
    return _act(request, kind, lambda: services.submit(item, by=request.user), "Sent for approval.", number)


@login_required
@require_POST
def send_back(request, kind: str, number: int):
    item = _version(kind, number)
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    return _act(request, kind, lambda: services.return_to_draft(item, by=request.user, reason=reason),
                "Sent back to draft.", number)


@login_required
@require_POST
def approve(request, kind: str, number: int):
    require(request, Capability.MANAGE_DOCUMENTS)  # who among them may approve: services.approval_refusal
    item = _version(kind, number)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Comes into force on: give a date such as 2026-12-31, or leave it empty for today.")
        return redirect("document-version", kind, number)
    try:
        item = services.approve(item, by=request.user, effective_on=form.cleaned_data["effective_on"])
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Approved. {item.get_status_display()} from {item.effective_on:%-d %B %Y}.")
    return redirect("document-version", kind, number)


@login_required
@require_POST
def settings(request, kind: str):
    require(request, Capability.MANAGE_DOCUMENTS)
    doc = _document(kind)
    form = DocumentForm(request.POST, instance=_document(kind))
    if not form.is_valid():
        messages.error(request, "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
        return redirect("document", kind)
    return _act(request, kind, lambda: services.update_document(doc, by=request.user, **form.cleaned_data),
                "Document control saved.")


@login_required
@require_POST
def publish(request, kind: str):
    doc = _document(kind)
    if request.POST.get("publish") == "no":
        return _act(request, kind, lambda: services.unpublish(doc, by=request.user), "Taken off the public address.")
    return _act(request, kind, lambda: services.publish(doc, by=request.user), "Published at its public address.")


@login_required
def export(request, kind: str, number: int, fmt: str):
    require(request, Capability.EXPORT)
    if fmt not in ("pdf", "docx"):
        raise Http404("Export as pdf or docx.")
    item = _version(kind, number)
    content = present.pdf(item, request.user) if fmt == "pdf" else present.docx(item, request.user)
    record(action="document.exported", object_type="governance.DocumentVersion", object_id=item.pk,
           by=request.user, summary=f"{item} exported as {fmt.upper()}")
    types = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind}-v{number}.{fmt}"'
    return response


def public(request, kind: str):
    """No login: the published document, read-only, without contacts marked internal only."""
    if kind not in DocumentKind.values:
        raise Http404("No such document.")
    doc = services.document(kind)
    item = services.public_version(doc) if doc.published_at else None
    if item is None:
        raise Http404("This document is not published.")
    return render(request, "governance/public.html", {
        "doc": doc, "v": item, "control": present.control_rows(item),
        "html": to_html(present.public_text(item.body)), "may_manage": can(request.user, "manage_documents")})
