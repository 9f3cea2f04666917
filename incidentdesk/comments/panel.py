"""The workspace's comments panel: the conversation, newest last, with the form and "mark read"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentdesk.incidents.models import Incident

from .forms import CommentForm
from .models import Comment
from .services import unread_mentions


def panel(incident: Incident, user: Any, now: datetime) -> dict[str, Any]:
    return {"template": "comments/_panel.html", "step": "aside",
            "comments": Comment.objects.visible_to(user).filter(incident=incident),
            "comment_form": CommentForm(), "unread_comment_ids": unread_mentions(user, incident)}
