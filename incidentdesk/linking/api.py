"""API: an incident's tags, its links to other incidents, and merging a duplicate into another."""

from datetime import datetime

from django.db.models import Q
from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, choices, require, workspace_of

from . import services
from .models import IncidentLink, IncidentTag, LinkKind
from .views import other_incident

router = Router(tags=["linking"])


class TagIn(Schema):
    name: str = Field(min_length=1, max_length=40, description="Letters, digits, spaces, . - _; stored in lower case")


class LinkIn(Schema):
    other: str = Field(min_length=1, max_length=20, description="The other incident's id, e.g. INC-2026-004")
    kind: LinkKind = Field(description="This incident is … the other. " + choices(LinkKind))
    note: str = ""


class MergeIn(Schema):
    into: str = Field(min_length=1, max_length=20, description="The incident that goes on")
    reason: str = Field(min_length=1, description="Why they are the same incident")


class LinkOut(Schema):
    other: str = Field(description="The other incident's id")
    kind: str = Field(description=choices(LinkKind))
    direction: str = Field(description="'to': this incident is a duplicate of / related to the other; 'from': the "
                                       "other is a duplicate of / related to this one")
    merged: bool = Field(description="The duplicate was merged (closed, pointing to the other)")
    note: str
    at: datetime


def _tags(incident, user) -> list[str]:
    return list(IncidentTag.objects.visible_to(user).filter(incident=incident).values_list("name", flat=True))


@router.get("/{reference}/tags", response={200: list[str], **PROBLEMS}, auth=READ, summary="Tags")
def list_tags(request, reference: str):
    return _tags(workspace_of(request, reference), request.user)


@router.post("/{reference}/tags", response={201: list[str], **PROBLEMS}, auth=WRITE, summary="Add a tag")
def add_tag(request, reference: str, body: TagIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    services.add_tag(incident=incident, name=body.name, by=request.user)
    return Status(201, _tags(incident, request.user))


@router.delete("/{reference}/tags/{tag}", response={200: list[str], **PROBLEMS}, auth=WRITE,
               summary="Remove a tag (a tag it does not have: nothing to do)")
def remove_tag(request, reference: str, tag: str):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    services.remove_tag(incident=incident, name=tag, by=request.user)
    return _tags(incident, request.user)


def _links(incident, user) -> list[dict]:
    rows = (IncidentLink.objects.visible_to(user).filter(Q(source=incident) | Q(target=incident))
            .select_related("source", "target"))
    return [{"other": (r.target if r.source_id == incident.pk else r.source).reference, "kind": r.kind,
             "direction": "to" if r.source_id == incident.pk else "from", "merged": r.merged, "note": r.note,
             "at": r.at} for r in rows]


@router.get("/{reference}/links", response={200: list[LinkOut], **PROBLEMS}, auth=READ,
            summary="Links to other incidents (only those the token may see)")
def list_links(request, reference: str):
    return _links(workspace_of(request, reference), request.user)


@router.post("/{reference}/links", response={201: list[LinkOut], **PROBLEMS}, auth=WRITE,
             summary="Link to another incident (duplicate of, related to)")
def add_link(request, reference: str, body: LinkIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    services.link(source=incident, target=other_incident(request.user, body.other), kind=str(body.kind),
                  note=body.note, by=request.user)
    return Status(201, _links(incident, request.user))


@router.delete("/{reference}/links/{other}", response={200: list[LinkOut], **PROBLEMS}, auth=WRITE,
               summary="Remove a link (not a merge; no link: nothing to do)")
def remove_link(request, reference: str, other: str):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    services.unlink(source=incident, target=other_incident(request.user, other), by=request.user)
    return _links(incident, request.user)


@router.post("/{reference}/merge", response={200: list[LinkOut], **PROBLEMS}, auth=WRITE,
             summary="Merge this duplicate into another incident (409 says why when it is not safe)")
def merge(request, reference: str, body: MergeIn):
    incident = workspace_of(request, reference)
    require(request, Capability.CLASSIFY)
    services.merge(duplicate=incident, into=other_incident(request.user, body.into), reason=body.reason,
                   by=request.user)
    return _links(incident, request.user)
