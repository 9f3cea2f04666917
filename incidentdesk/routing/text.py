"""The routing panel in plain text, for the command line (``incidentdesk routing INC-…``)."""

from __future__ import annotations

from datetime import datetime

from incidentdesk.procedure.references import readable
from incidentdesk.times import with_utc

from .panel import Row


def lines(reference: str, rows: list[Row], now: datetime) -> list[str]:
    out = [f"Who inside was told of {reference}:"]
    if not rows:
        out.append("  No internal team is named by the facts so far.")
    for row in rows:
        out.append(f"- {row.label}: {row.state_label}")
        for step in row.notice.steps.all() if row.notice else []:
            what = "Incident owner told" if step.is_owner else "Escalated to" if step.number else "Told"
            due = "" if row.notice.acknowledged_at or step.is_owner else f"; acknowledge by {with_utc(step.ack_due_at)}"
            out.append(f"    {what}: {step.recipient_name} {step.recipient_email}".rstrip()
                       + f", {with_utc(step.sent_at)}{due}")
        if row.notice and row.notice.acknowledged_at:
            out.append(f"    Acknowledged by {row.notice.acknowledged_by_name}, {with_utc(row.notice.acknowledged_at)}")
        if row.state == "gap":
            out.append("    No contact for this team in the directory: add one (/contacts/).")
        out.append(f"    Why: {row.reason}")
        if row.because:
            out.append(f"    Because: {'; '.join(row.because)}")
        if row.unknown:
            out.append(f"    Still unknown: {'; '.join(row.unknown)}")
        out.append(f"    ({readable(row.citation)})")
    return out
