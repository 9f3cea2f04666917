"""API: comments on an incident (Markdown), with mentions; the same services as the workspace."""

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, UtcDateTime, owned, require, workspace_of
from incidentdesk.documents.markdown import to_html

from . import services
from .models import Comment

router = Router(tags=["comments"])
PATH = "/{reference}/comments"


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=services.MAX_LENGTH,
                      description="Markdown; @username mentions a colleague who may see the incident")


class CommentOut(Schema):
    id: int = Field(description="The comment's id")
    author: str = Field(description="Who wrote it")
    body: str = Field(description="Markdown, as written")
    html: str = Field(description="The Markdown as sanitised HTML")
    created_at: UtcDateTime = Field(description="When it was written (UTC)")
    edited_at: UtcDateTime | None = Field(description="When its author last corrected it (UTC)")


class WrittenOut(CommentOut):
    told: list[str] = Field(description="The people mentioned who were told")
    not_told: list[str] = Field(description="Mentions that told no one, and why (unknown, or cannot see it)")


class ReadOut(Schema):
    marked: int = Field(description="1 when a mention of you was marked read; 0 when there was none to mark")


def _out(comment: Comment) -> dict:
    return {"id": comment.pk, "author": comment.author_name, "body": comment.body, "html": to_html(comment.body),
            "created_at": comment.created_at, "edited_at": comment.edited_at}


def _written(written: services.Written) -> dict:
    return _out(written.comment) | {"told": written.told, "not_told": written.not_told}


@router.get(PATH, response={200: list[CommentOut], **PROBLEMS}, auth=READ, summary="Comments, oldest first")
def list_comments(request, reference: str):
    incident = workspace_of(request, reference)
    return [_out(c) for c in Comment.objects.visible_to(request.user).filter(incident=incident)]


@router.post(PATH, response={201: WrittenOut, **PROBLEMS}, auth=WRITE,
             summary="Comment on the incident (mentions tell the people who may see it)")
def add_comment(request, reference: str, body: CommentIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    return Status(201, _written(services.add_comment(incident=incident, body=body.body, by=request.user)))


@router.put(PATH + "/{int:comment_id}", response={200: WrittenOut, **PROBLEMS}, auth=WRITE,
            summary="Correct your own comment (the text before stays in the audit log)")
def edit_comment(request, reference: str, comment_id: int, body: CommentIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    comment = owned(request, Comment, comment_id, incident, "comment")
    return _written(services.edit_comment(comment=comment, body=body.body, by=request.user))


@router.post(PATH + "/{int:comment_id}/read", response={200: ReadOut, **PROBLEMS}, auth=READ,
             summary="Mark a comment that mentions you as read (it leaves your work)")
def mark_read(request, reference: str, comment_id: int):
    incident = workspace_of(request, reference)
    comment = owned(request, Comment, comment_id, incident, "comment")
    return {"marked": services.mark_read(comment=comment, by=request.user)}
