"""Comments in the workspace: add, correct (the author), mark a mention read. Thin: the services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import post_action

from . import services
from .forms import CommentForm, EditCommentForm, ReadForm
from .models import Comment


def _told(request, written: services.Written) -> None:
    """Tell the author who was told of the comment, and who was not and why."""
    if written.told:
        messages.info(request, f"Told {', '.join(written.told)}.")
    if written.not_told:
        messages.warning(request, f"Not told: {', '.join(written.not_told)}.")


@login_required
@require_POST
def add(request, reference: str):
    return post_action(request, reference, Capability.EDIT, CommentForm,
                       lambda i, d: _told(request, services.add_comment(incident=i, body=d["body"], by=request.user)),
                       "Comment added.")


@login_required
@require_POST
def edit(request, reference: str, pk: int):
    def act(incident, data):
        comment = get_object_or_404(Comment.objects.visible_to(request.user), pk=pk, incident=incident)
        _told(request, services.edit_comment(comment=comment, body=data["body"], by=request.user))

    return post_action(request, reference, Capability.EDIT, EditCommentForm, act, "Comment corrected.")


@login_required
@require_POST
def read(request, reference: str, pk: int):
    def act(incident, data):
        comment = get_object_or_404(Comment.objects.visible_to(request.user), pk=pk, incident=incident)
        services.mark_read(comment=comment, by=request.user)

    return post_action(request, reference, Capability.VIEW_WORKSPACE, ReadForm, act, "Marked as read.")
