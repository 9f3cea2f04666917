"""API: step 4, notify — notifications sent, and drafts written from the facts (an edit is a new version;
"send" records the notification at the time given and completes its obligation)."""

from typing import Literal

from ninja import Field, Router, Schema, Status

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import (
    PROBLEMS,
    READ,
    WRITE,
    AssignIn,
    UtcDateTime,
    When,
    choices,
    may_read,
    owned,
    person,
    person_name,
    require,
    workspace_of,
)

from . import services
from .drafts import KINDS, LANGUAGES, changes, fill_markers
from .models import Channel, Notification, NotificationDraft

router = Router(tags=["notifications"])

KIND_LIST = "One of: " + "; ".join(f"{k} ({v})" for k, v in KINDS.items())
LANGUAGE_LIST = "One of: " + "; ".join(f"{k} ({v})" for k, v in LANGUAGES.items())


class NotificationIn(Schema):
    recipient: str = Field(min_length=1, max_length=200, description="To whom it was sent")
    sent_at: When = Field(description="When it was sent (with a UTC offset); the obligation is met then")
    channel: str = Field("email", description=choices(Channel))
    rule_id: str | None = Field(None, description="The obligation this notification meets")
    reference: str = Field("", max_length=200, description="Reference number returned by the recipient")
    summary: str = Field("", description="What was sent")


class NotificationOut(Schema):
    id: int = Field(description="The notification's id (to record its acknowledgement)")
    recipient: str = Field(description="To whom it was sent")
    channel: str = Field(description=choices(Channel))
    sent_at: UtcDateTime = Field(description="When it was sent (UTC)")
    reference: str = Field(description="Reference number returned by the recipient")
    summary: str = Field(description="What was sent")
    rule_id: str | None = Field(None, description="The obligation it met, if any")
    acknowledged_at: UtcDateTime | None = Field(None, description="When the recipient confirmed receipt (UTC)")
    acknowledged_how: str = Field("", description="Who confirmed, and how")


class AcknowledgementIn(Schema):
    at: When = Field(description="When the recipient confirmed receipt (with a UTC offset)")
    how: str = Field(min_length=1, max_length=300, description="Who confirmed, and how (e.g. an email from the "
                                                               "provider's incident desk, ticket 4411)")


class DraftIn(Schema):
    kind: Literal[tuple(KINDS)] = Field(description=KIND_LIST)  # type: ignore[valid-type]
    rule_id: str = Field("", max_length=64, description="The obligation the draft answers, if any (e.g. GDPR-33-1-SA)")
    # A plain string, checked by the service, so an unknown one gets the same clear refusal as on the page.
    language: str = Field("", max_length=16, json_schema_extra={"enum": ["", *LANGUAGES]},
                          description=f"The language to write it in; empty for the organisation's default. "
                                      f"{LANGUAGE_LIST}")


class DraftEditIn(Schema):
    subject: str = Field(min_length=1, max_length=300, description="Subject line")
    body: str = Field(min_length=1, description="Markdown")


class SendIn(Schema):
    recipient: str = Field(min_length=1, max_length=200, description="To whom it was sent")
    channel: Channel = Field(description=choices(Channel))
    sent_at: When = Field(description="When it was sent (with a UTC offset); the obligation is met then")
    reference: str = Field("", max_length=200, description="Reference number returned by the recipient")


class DraftSummary(Schema):
    id: int = Field(description="The draft version's id")
    kind: str = Field(description=KIND_LIST)
    rule_id: str = Field(description="The obligation it answers, if any")
    version: int = Field(description="Version number (1, 2, …) within kind and obligation")
    language: str = Field(description=f"The language it is written in. {LANGUAGE_LIST}")
    subject: str = Field(description="Subject line")
    unknown: list[str] = Field(description="Elements still unknown when this version was written (Art 33(4))")
    created_by_name: str = Field(description="Who wrote this version")
    created_at: UtcDateTime = Field(description="When this version was written (UTC)")
    sent: bool = Field(description="True once recorded as sent")
    assignee: str | None = Field(None, description="Username of who reviews it before it is sent")
    due_at: UtcDateTime | None = Field(None, description="By when it should be reviewed (UTC)")


class DraftLineChange(Schema):
    change: Literal["added", "removed"] = Field(description="Whether the line was added or removed")
    line: str = Field(description="The line of text")


class DraftOut(DraftSummary):
    body: str = Field(description="Markdown")
    latest: bool = Field(description="True when no later version exists (only the latest can be sent)")
    to_write: list[str] = Field(description="Parts only a person can write, still in the text; it cannot be "
                                            "recorded as sent until they are replaced")
    follows_version: int | None = Field(description="The version sent before this one, which this one follows up "
                                                    "(GDPR Art 33(4)); null if none was sent")
    changes_since_sent: list[DraftLineChange] = Field(
        description="Lines changed since the version sent before this one")


class DraftWritten(Schema):
    """What writing a draft produced, for a token without the read scope: not its text, which is written
    from the incident's facts (writing must not become a way to read)."""

    id: int = Field(description="The draft version's id")
    kind: str = Field(description=KIND_LIST)
    rule_id: str = Field(description="The obligation it answers, if any")
    version: int = Field(description="Version number (1, 2, …) within kind and obligation")


def _notification(n: Notification, rule_id: str | None = None) -> dict:
    return {"id": n.pk, "recipient": n.recipient, "channel": n.channel, "sent_at": n.sent_at,
            "reference": n.reference, "summary": n.summary, "rule_id": rule_id if rule_id is not None else
            (n.obligation.rule_id if n.obligation_id else None), "acknowledged_at": n.acknowledged_at,
            "acknowledged_how": n.acknowledged_how}


def _summary(d: NotificationDraft) -> dict:
    fields = {f: getattr(d, f) for f in DraftSummary.model_fields if f not in ("sent", "assignee")}
    return fields | {"sent": d.notification_id is not None, "assignee": person_name(d.assignee)}


def _draft(d: NotificationDraft) -> dict:
    latest = not NotificationDraft.objects.filter(incident_id=d.incident_id, kind=d.kind, rule_id=d.rule_id,
                                                  version__gt=d.version).exists()
    sent = d.last_sent()
    return _summary(d) | {"body": d.body, "latest": latest, "to_write": fill_markers(d.body),
                          "follows_version": sent.version if sent else None,
                          "changes_since_sent": [{"change": c, "line": line} for c, line in
                                                 changes(sent.body, d.body)] if sent else []}


@router.get("/{reference}/notifications", response={200: list[NotificationOut], **PROBLEMS}, auth=READ,
            summary="Notifications sent")
def list_notifications(request, reference: str):
    incident = workspace_of(request, reference)
    rows = Notification.objects.visible_to(request.user).filter(incident=incident).select_related("obligation")
    return [_notification(n) for n in rows]


@router.post("/{reference}/notifications", response={201: NotificationOut, **PROBLEMS}, auth=WRITE,
             summary="Record a notification sent (completes its obligation)")
def add_notification(request, reference: str, body: NotificationIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    row = services.record_notification(incident=incident, by=request.user, **body.dict())
    return Status(201, _notification(row, body.rule_id))


@router.post("/{reference}/notifications/{int:notification_id}/acknowledgement",
             response={201: NotificationOut, **PROBLEMS}, auth=WRITE,
             summary="Record the recipient's acknowledgement (AI Act Art 26(5): the provider's, which decides "
                     "whether our own Art 73 report is raised)")
def acknowledge(request, reference: str, notification_id: int, body: AcknowledgementIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    notification = owned(request, Notification, notification_id, incident, "notification")
    row = services.record_acknowledgement(notification=notification, at=body.at, how=body.how, by=request.user)
    return Status(201, _notification(row))


@router.get("/{reference}/drafts", response={200: list[DraftSummary], **PROBLEMS}, auth=READ,
            summary="Drafts, every version")
def list_drafts(request, reference: str):
    incident = workspace_of(request, reference)
    return [_summary(d) for d in NotificationDraft.objects.visible_to(request.user).filter(incident=incident)]


@router.post("/{reference}/drafts", response={201: DraftOut | DraftWritten, **PROBLEMS}, auth=WRITE,
             summary="Write a draft from the facts as they are now (a new version); its text only to a token "
                     "that may read")
def create_draft(request, reference: str, body: DraftIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    draft = services.create_draft(incident=incident, kind=body.kind, rule_id=body.rule_id, language=body.language,
                                  by=request.user)
    if not may_read(request):
        return Status(201, {f: getattr(draft, f) for f in DraftWritten.model_fields})
    return Status(201, _draft(draft))


@router.get("/{reference}/drafts/{int:draft_id}", response={200: DraftOut, **PROBLEMS}, auth=READ,
            summary="One draft version with its text")
def read_draft(request, reference: str, draft_id: int):
    incident = workspace_of(request, reference)
    return _draft(owned(request, NotificationDraft, draft_id, incident, "draft"))


@router.put("/{reference}/drafts/{int:draft_id}", response={201: DraftOut, **PROBLEMS}, auth=WRITE,
            summary="Edit a draft: stored as a new version, the old one stays as it was")
def edit_draft(request, reference: str, draft_id: int, body: DraftEditIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    draft = owned(request, NotificationDraft, draft_id, incident, "draft")
    return Status(201, _draft(services.edit_draft(draft=draft, subject=body.subject, body=body.body,
                                                  by=request.user)))


@router.post("/{reference}/drafts/{int:draft_id}/send", response={201: NotificationOut, **PROBLEMS}, auth=WRITE,
             summary="Record the latest version as sent: the notification is recorded and its obligation met")
def send_draft(request, reference: str, draft_id: int, body: SendIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    draft = owned(request, NotificationDraft, draft_id, incident, "draft")
    row = services.send_draft(draft=draft, recipient=body.recipient, channel=str(body.channel),
                              sent_at=body.sent_at, reference=body.reference, by=request.user)
    return Status(201, _notification(row))


@router.put("/{reference}/drafts/{int:draft_id}/assignee", response={200: DraftSummary, **PROBLEMS}, auth=WRITE,
            summary="Give the review of a draft (its latest version, not yet sent) to a person, with a due time")
def assign_review(request, reference: str, draft_id: int, body: AssignIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    draft = owned(request, NotificationDraft, draft_id, incident, "draft")
    return _summary(services.assign_review(draft=draft, assignee=person(body.assignee), due_at=body.due_at,
                                           by=request.user))
