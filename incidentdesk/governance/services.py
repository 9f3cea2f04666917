"""The life of a governance document: draft → in review → approved → in force → superseded (issue 14).

Every transition is refused with a sentence before anything is written, and recorded in the audit log in the
same transaction. Approved versions are never changed again; versions are never deleted (an incident that
was handled under one PROTECTs it).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from incidentdesk.accounts.models import Role
from incidentdesk.accounts.permissions import Capability, can, role_of
from incidentdesk.audit.services import record, snapshot
from incidentdesk.refusals import Conflict, Forbidden, NotFound, Refused
from incidentdesk.times import local

from . import generate
from .models import (
    OPEN_STATUSES,
    ApproverRole,
    Document,
    DocumentKind,
    DocumentVersion,
    VersionStatus,
)
from .sources import changes_since, fingerprint, gather
from .tracked import draft_from_base

REVIEW_INTERVAL = timedelta(days=365)  # seed §9: reviewed at least annually
K = DocumentKind
#: Seed §1: the procedure links the usage policy and the inventory; the policy links all three.
LINKS = {K.INCIDENT_POLICY: [K.INCIDENT_PROCEDURE, K.USAGE_POLICY, K.TOOL_INVENTORY],
         K.INCIDENT_PROCEDURE: [K.USAGE_POLICY, K.TOOL_INVENTORY, K.INCIDENT_POLICY],
         K.USAGE_POLICY: [K.TOOL_INVENTORY], K.TOOL_INVENTORY: []}
LEGAL_BASIS = {
    K.INCIDENT_POLICY: "ISO/IEC 42001:2023 clauses 5.2 and 10; GDPR Articles 33 and 34; EU AI Act Article 73",
    K.INCIDENT_PROCEDURE: "GDPR Articles 33 and 34; EU AI Act Article 73 insofar as we provide or deploy a "
                          "high-risk AI system",
    K.USAGE_POLICY: "GDPR Articles 5, 25 and 32; EU AI Act Articles 4 and 26",
    K.TOOL_INVENTORY: "ISO/IEC 42001:2023 Annex A.4.2; EU AI Act Article 26",
}


class DocumentRefused(Refused):
    """A document action that is not allowed now."""


def today() -> date:
    return local(timezone.now()).date()


def _today_or(value: date | None) -> date:
    return value or today()


def _audit(version: DocumentVersion | None, action: str, by: Any, summary: str,
           before: dict | None = None, document: Document | None = None) -> None:
    target = version.document if version else document
    record(action=action, object_type="governance.DocumentVersion" if version else "governance.Document",
           object_id=version.pk if version else target.pk, by=by, summary=summary, before=before,
           after=snapshot(version) if version else snapshot(target))


# --- the register -----------------------------------------------------------------------------------------

def register() -> list[Document]:
    """The four controlled documents, created on first use with seed §1's links and legal basis."""
    existing = {d.kind: d for d in Document.objects.all()}
    if len(existing) < len(DocumentKind):
        with transaction.atomic():
            for kind in DocumentKind:
                if kind not in existing:
                    try:
                        with transaction.atomic():
                            existing[kind] = Document.objects.create(kind=kind, legal_basis=LEGAL_BASIS[kind])
                    except IntegrityError:  # created a moment ago by another request
                        existing[kind] = Document.objects.get(kind=kind)
            for kind, links in LINKS.items():
                if not existing[kind].linked.exists():
                    existing[kind].linked.set([existing[k] for k in links])
    return [existing[k] for k in DocumentKind]


def document(kind: str) -> Document:
    if kind not in DocumentKind.values:
        raise NotFound(f"There is no document called {kind!r}.")
    register()
    return Document.objects.get(kind=kind)


#: The largest version number a database column holds everywhere (PostgreSQL's integer).
LARGEST_NUMBER = 2**31 - 1


def version_of(kind: str, number: int) -> DocumentVersion:
    """The version, or a plain "not found" for a document or number that does not exist (never a 500)."""
    if kind not in DocumentKind.values:
        raise NotFound(f"There is no document called {kind!r}.")
    found = (DocumentVersion.objects.filter(document__kind=kind, number=number).select_related("document").first()
             if 0 < number <= LARGEST_NUMBER else None)
    if not found:
        raise NotFound(f"{DocumentKind(kind).label} has no version {number}.")
    return found


def open_version(doc: Document) -> DocumentVersion | None:
    return doc.versions.filter(status__in=OPEN_STATUSES).first()


def in_force(doc: Document) -> DocumentVersion | None:
    return doc.versions.filter(status=VersionStatus.IN_FORCE).first()


def latest_frozen(doc: Document) -> DocumentVersion | None:
    """The version a new draft is compared with: the one in force, else the newest approved."""
    return in_force(doc) or doc.versions.filter(status=VersionStatus.APPROVED).order_by("-number").first()


def _require(by: Any, capability: Capability = Capability.MANAGE_DOCUMENTS) -> None:
    if by is not None and not can(by, capability):
        raise Forbidden("Only an administrator or an incident manager may change governance documents.")


def update_document(doc: Document, *, by: Any, owner: Any = None, approver_role: str | None = None,
                    legal_basis: str | None = None, next_review_on: date | None = None) -> Document:
    """The fixed part of seed §1's table: owner, approver role, legal basis, next review."""
    _require(by)
    if approver_role is not None and approver_role not in ApproverRole.values:
        raise DocumentRefused("Approver: choose administrator or incident manager.")
    if owner is not None and role_of(owner) not in (Role.ADMINISTRATOR, Role.INCIDENT_MANAGER, Role.RESPONDER):
        raise DocumentRefused("Owner: choose a person who handles incidents (administrator, incident manager "
                              "or responder).")
    before = snapshot(doc)
    with transaction.atomic():
        doc.owner = owner if owner is not None else doc.owner
        doc.approver_role = approver_role or doc.approver_role
        doc.legal_basis = legal_basis if legal_basis is not None else doc.legal_basis
        doc.next_review_on = next_review_on or doc.next_review_on
        doc.save()
        _audit(None, "document.updated", by, f"{doc}: document control updated", before, document=doc)
    return doc


# --- drafts -----------------------------------------------------------------------------------------------

def _next_number(doc: Document) -> int:
    return (doc.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _new_version(doc: Document, *, by: Any, body: str, notes: str, sources: dict) -> DocumentVersion:
    try:
        with transaction.atomic():
            return DocumentVersion.objects.create(document=doc, number=_next_number(doc), body=body,
                                                  change_notes=notes, sources=sources,
                                                  author=by if getattr(by, "pk", None) else None)
    except IntegrityError as exc:  # two drafts at once: the unique constraints let one through
        raise Conflict(f"{doc} already has a draft being written; open it instead.") from exc


def start_draft(kind: str, *, by: Any) -> DocumentVersion:
    """A new draft copied from the version in force (or empty), or the open one if there is one."""
    _require(by)
    doc = document(kind)
    try:
        return draft_from_base(doc, by=by, why="started by hand")
    except IntegrityError as exc:  # a number taken by a version that is no longer open
        raise Conflict(f"{doc} changed while the draft was being started; try again.") from exc


def proposed_changes(doc: Document) -> list[str]:
    """What changed in the sources since the newest generated version: the "proposed" notice (derived on
    reading, never stored, so it cannot go stale itself)."""
    newest = doc.versions.exclude(sources={}).order_by("-number").first()
    if not newest:
        return []
    return changes_since(newest.sources, fingerprint(gather()))


def generate_draft(kind: str, *, by: Any) -> DocumentVersion:
    """Write the document from what the system knows into a draft: a new one, or the open draft rewritten.
    The change notes say what changed in the sources since the version before."""
    _require(by)
    doc = document(kind)
    body, sources = generate.text(kind)
    base = latest_frozen(doc)
    marked = changes_since(base.sources, sources) if base else []
    notes = ("Written again from what IncidentDesk knows. Changed since version "
             f"{base.number}:\n" + "\n".join(f"- {line}" for line in marked)) if marked else (
        "Written from what IncidentDesk knows." if not base else f"Written again from what IncidentDesk knows; "
                                                                  f"no source changed since version {base.number}.")
    with transaction.atomic():
        current = open_version(doc)
        if current and current.status != VersionStatus.DRAFT:
            raise Conflict(f"Version {current.number} is in review; send it back to draft before writing it again.")
        if current:
            before = snapshot(current)
            current.body, current.sources, current.change_notes = body, sources, notes
            current.save()
            _audit(current, "document.generated", by, f"{doc}: draft version {current.number} written again "
                                                      "from what IncidentDesk knows", before)
            return current
        version = _new_version(doc, by=by, body=body, notes=notes, sources=sources)
        _audit(version, "document.generated", by, f"{doc}: version {version.number} generated as a draft")
    return version


def edit_draft(version: DocumentVersion, *, by: Any, body: str | None = None, change_notes: str | None = None,
               effective_on: date | None = None) -> DocumentVersion:
    _require(by)
    if version.document.kind == DocumentKind.TOOL_INVENTORY and body is not None and body != version.body:
        raise DocumentRefused("The AI Tool Inventory is written from the inventory: change the tools on the AI "
                              "tools page, then generate the document again.")
    if body is not None and not body.strip():
        raise DocumentRefused("Text: a version cannot be empty.")
    with transaction.atomic():
        version = DocumentVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise Conflict(f"Version {version.number} is {version.get_status_display().lower()}: only a draft "
                           "can be changed.")
        before = snapshot(version)
        version.body = body if body is not None else version.body
        version.change_notes = change_notes if change_notes is not None else version.change_notes
        version.effective_on = effective_on or version.effective_on
        version.save()
        _audit(version, "document.edited", by, f"{version}: draft changed", before)
    return version


# --- review, approval, force ------------------------------------------------------------------------------

def _move(version: DocumentVersion, *, to: str, by: Any, action: str, summary: str,
          expect: tuple[str, ...], **fields: Any) -> DocumentVersion:
    with transaction.atomic():
        version = DocumentVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
        if version.status not in expect:
            raise Conflict(f"Version {version.number} is {version.get_status_display().lower()}; "
                           f"it cannot be {summary}.")
        before = snapshot(version)
        version.status = to
        for name, value in fields.items():
            setattr(version, name, value)
        version.save()
        _audit(version, action, by, f"{version}: {summary}", before)
    return version


def submit(version: DocumentVersion, *, by: Any) -> DocumentVersion:
    _require(by)
    version = DocumentVersion.objects.get(pk=version.pk)  # as stored, not as passed
    if not version.body.strip():
        raise DocumentRefused("Text: write the version (or generate it) before sending it for approval.")
    return _move(version, to=VersionStatus.IN_REVIEW, by=by, action="document.submitted",
                 summary="sent for approval", expect=(VersionStatus.DRAFT,), submitted_at=timezone.now())


def return_to_draft(version: DocumentVersion, *, by: Any, reason: str) -> DocumentVersion:
    _require(by)
    if not (reason or "").strip():
        raise DocumentRefused("Reason: say what must change before it can be approved.")
    return _move(version, to=VersionStatus.DRAFT, by=by, action="document.returned",
                 summary=f"sent back to draft ({reason.strip()})", expect=(VersionStatus.IN_REVIEW,))


def approvers(doc: Document) -> list[Any]:
    """The active people who may approve this document's versions."""
    allowed = {Role.ADMINISTRATOR} | ({Role.INCIDENT_MANAGER}
                                      if doc.approver_role == ApproverRole.INCIDENT_MANAGER else set())
    users = get_user_model().objects.filter(is_active=True).select_related("person")
    return [u for u in users if role_of(u) in allowed]


def approval_refusal(version: DocumentVersion, by: Any) -> Refused | None:
    """Why this person may not approve this version now (None when they may). Decision 142: an administrator,
    or an incident manager where the document says so; not the version's author while someone else may."""
    doc = version.document
    if version.status != VersionStatus.IN_REVIEW:
        return Conflict(f"Version {version.number} is {version.get_status_display().lower()}; only a version "
                        "in review can be approved.")
    people = approvers(doc)
    if not any(p.pk == getattr(by, "pk", None) for p in people):
        return Forbidden(f"Only {doc.get_approver_role_display().lower()} may approve the {doc}.")
    others = [p.get_username() for p in people if p.pk != by.pk]
    if version.author_id == by.pk and others:
        return Forbidden("You wrote this version; another person who may approve it must do so "
                         f"({', '.join(others[:3])}).")
    return None


def approve(version: DocumentVersion, *, by: Any, effective_on: date | None = None) -> DocumentVersion:
    """Approve a version in review; it comes into force on its effective date (today if none is given)."""
    version = DocumentVersion.objects.select_related("document").get(pk=version.pk)  # as stored, not as passed
    refusal = approval_refusal(version, by)
    if refusal:
        raise refusal
    effective = effective_on or version.effective_on or today()
    if effective < today():
        raise DocumentRefused(f"Effective date: {effective.isoformat()} has passed; a version comes into force "
                              "today or later.")
    own = " (approved by its author, the only person who may approve)" if version.author_id == by.pk else ""
    with transaction.atomic():
        version = _move(version, to=VersionStatus.APPROVED, by=by, action="document.approved",
                        summary=f"approved, in force from {effective.isoformat()}{own}",
                        expect=(VersionStatus.IN_REVIEW,), approved_by=by, approved_at=timezone.now(),
                        effective_on=effective)
        doc = version.document
        if not doc.next_review_on or doc.next_review_on < effective + REVIEW_INTERVAL:
            doc.next_review_on = effective + REVIEW_INTERVAL
            doc.save(update_fields=["next_review_on"])
        bring_into_force(on=today())
    version.refresh_from_db()
    return version


def scheduled(now: datetime) -> None:
    """The reminder schedule's pass (``settings.SCHEDULED_PASSES``): versions whose effective date has come."""
    bring_into_force(on=timezone.localdate(now))


def bring_into_force(*, on: date | None = None) -> list[DocumentVersion]:
    """The scheduled pass: each approved version whose effective date has come is put in force and the one
    before it superseded. Idempotent: a second pass the same day finds nothing to do."""
    on = on or today()
    done: list[DocumentVersion] = []
    due = DocumentVersion.objects.filter(status=VersionStatus.APPROVED, effective_on__lte=on).order_by("number")
    for version in due:
        with transaction.atomic():
            version = DocumentVersion.objects.select_for_update().get(pk=version.pk)
            if version.status != VersionStatus.APPROVED:
                continue  # another pass took it
            now = timezone.now()
            old = DocumentVersion.objects.select_for_update().filter(
                document_id=version.document_id, status=VersionStatus.IN_FORCE).first()
            if old:
                _move(old, to=VersionStatus.SUPERSEDED, by=None, action="document.superseded",
                      summary=f"superseded by version {version.number}", expect=(VersionStatus.IN_FORCE,),
                      superseded_at=now)
            done.append(_move(version, to=VersionStatus.IN_FORCE, by=None, action="document.in_force",
                              summary=f"in force from {version.effective_on.isoformat()}",
                              expect=(VersionStatus.APPROVED,), in_force_at=now))
    return done


# --- publish ----------------------------------------------------------------------------------------------

def public_version(doc: Document) -> DocumentVersion | None:
    """What the public address shows: the version in force, else the newest approved one."""
    return latest_frozen(doc)


def publish(doc: Document, *, by: Any) -> Document:
    _require(by)
    if not public_version(doc):
        raise Conflict(f"The {doc} has no approved version yet; approve one before publishing it.")
    if doc.published_at:
        return doc
    with transaction.atomic():
        before = snapshot(doc)
        doc.published_at = timezone.now()
        doc.save(update_fields=["published_at"])
        _audit(None, "document.published", by, f"{doc}: published at its public address", before, document=doc)
    return doc


def unpublish(doc: Document, *, by: Any) -> Document:
    _require(by)
    if not doc.published_at:
        return doc
    with transaction.atomic():
        before = snapshot(doc)
        doc.published_at = None
        doc.save(update_fields=["published_at"])
        _audit(None, "document.unpublished", by, f"{doc}: taken off its public address", before, document=doc)
    return doc
