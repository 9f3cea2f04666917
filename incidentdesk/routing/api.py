"""API: who inside was told of an incident (playbook step 3), and recording a team's acknowledgement."""

from __future__ import annotations

from django.utils import timezone
from ninja import Field, Router, Schema

from incidentdesk.accounts.permissions import Capability
from incidentdesk.api_base import PROBLEMS, READ, WRITE, UtcDateTime, choices, owned, require, workspace_of

from . import panel, services
from .models import AckChannel, Notice, NoticeState

router = Router(tags=["routing"])


class StepOut(Schema):
    number: int = Field(description="0: the first contact told; then each escalation")
    recipient: str = Field(description="Who was told")
    email: str = Field(description="Where the e-mail went (empty: the directory has no address)")
    incident_owner: bool = Field(description="True: the incident owner, told when the directory ran out")
    sent_at: UtcDateTime = Field(description="When they were told (UTC)")
    ack_due_at: UtcDateTime = Field(description="By when they were to acknowledge (UTC)")


class NoticeOut(Schema):
    id: int | None = Field(description="The notice's id (null: the team is not told yet)")
    team: str = Field(description="The kind of contact told, e.g. privacy, it_security, legal_team, hr, management")
    team_label: str = Field(description="The team in words")
    state: str = Field(description=choices(NoticeState) + "; unknown: not told yet, depends on facts still unknown")
    state_label: str = Field(description="The state in words")
    reason: str = Field(description="Why the team is told")
    because: list[str] = Field(description="The facts that decided it, in words")
    still_unknown: list[str] = Field(description="Facts still unknown that would decide it")
    citation: str = Field(description="The playbook step or procedure section behind it")
    steps: list[StepOut] = Field(description="Who was told, in order")
    acknowledged_at: UtcDateTime | None = Field(description="When the team acknowledged (UTC)")
    acknowledged_by: str = Field(description="Who acknowledged, in words")
    acknowledged_via: str = Field(description=choices(AckChannel))


class AcknowledgeIn(Schema):
    note: str = Field("", max_length=2000, description="How the team acknowledged (e.g. by phone, and who)")


def _out(row: panel.Row) -> dict:
    notice = row.notice
    steps = [{"number": s.number, "recipient": s.recipient_name, "email": s.recipient_email,
              "incident_owner": s.is_owner, "sent_at": s.sent_at, "ack_due_at": s.ack_due_at}
             for s in (notice.steps.all() if notice else [])]
    return {"id": notice.pk if notice else None, "team": row.team, "team_label": row.label, "state": row.state,
            "state_label": row.state_label, "reason": row.reason, "because": row.because,
            "still_unknown": row.unknown, "citation": row.citation, "steps": steps,
            "acknowledged_at": notice.acknowledged_at if notice else None,
            "acknowledged_by": notice.acknowledged_by_name if notice else "",
            "acknowledged_via": notice.acknowledged_via if notice else ""}


@router.get("/{reference}/routing", response={200: list[NoticeOut], **PROBLEMS}, auth=READ,
            summary="Who inside was told: each team, contact, acknowledgement clock and escalations")
def list_notices(request, reference: str):
    incident = workspace_of(request, reference)
    return [_out(r) for r in panel.rows(incident, request.user, timezone.now())]


@router.post("/{reference}/routing/{int:notice_id}/acknowledge", response={200: NoticeOut, **PROBLEMS},
             auth=WRITE, summary="Record that the team acknowledged (on its behalf)")
def acknowledge(request, reference: str, notice_id: int, body: AcknowledgeIn):
    incident = workspace_of(request, reference)
    require(request, Capability.EDIT)
    notice = owned(request, Notice, notice_id, incident, "internal notice")
    notice = services.acknowledge(notice=notice, by=request.user, via=AckChannel.API, note=body.note)
    return _out(panel.told_row(notice, timezone.now()))
