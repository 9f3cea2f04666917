"""Tags, links and merges from the workspace. Thin: each posts to one service through ``post_action``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.incidents.models import Incident
from incidentdesk.refusals import NotFound
from incidentdesk.web import post_action

from . import services
from .forms import LinkForm, MergeForm, OtherForm, TagForm


def other_incident(user: Any, reference: str) -> Incident:
    """The other incident of a link or merge, if this person may see it (else as if it did not exist)."""
    incident = Incident.objects.visible_to(user).filter(reference=reference.strip().upper()).first()
    if incident is None:
        raise NotFound(f"there is no incident {reference.strip() or '(none given)'} that you can see")
    return incident


@login_required
@require_POST
def add_tag(request, reference: str):
    return post_action(request, reference, Capability.EDIT, TagForm,
                       lambda i, d: services.add_tag(incident=i, name=d["name"], by=request.user), "Tag added.")


@login_required
@require_POST
def remove_tag(request, reference: str):
    return post_action(request, reference, Capability.EDIT, TagForm,
                       lambda i, d: services.remove_tag(incident=i, name=d["name"], by=request.user), "Tag removed.")


@login_required
@require_POST
def add_link(request, reference: str):
    return post_action(request, reference, Capability.EDIT, LinkForm,
                       lambda i, d: services.link(source=i, target=other_incident(request.user, d["other"]),
                                                  kind=d["kind"], note=d["note"], by=request.user),
                       "Linked; the link shows on both incidents.")


@login_required
@require_POST
def remove_link(request, reference: str):
    return post_action(request, reference, Capability.EDIT, OtherForm,
                       lambda i, d: services.unlink(source=i, target=other_incident(request.user, d["other"]),
                                                    by=request.user), "Link removed.")


@login_required
@require_POST
def merge(request, reference: str):
    return post_action(request, reference, Capability.CLASSIFY, MergeForm,
                       lambda i, d: services.merge(duplicate=i, into=other_incident(request.user, d["into"]),
                                                   reason=d["reason"], by=request.user),
                       "Merged: this incident is closed and points to the one that goes on; nothing was deleted.")
