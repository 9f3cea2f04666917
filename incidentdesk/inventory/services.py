"""Add and change AI tools in the inventory, audited.

A tool that enters the inventory (added, or renamed to the name an incident gave it) is linked to every
open incident that named it as "outside inventory", in the same transaction: those incidents are
reassessed and their "update the inventory" clock is done (``obligations.services.after_tool_saved``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from incidentdesk.audit import services as audit
from incidentdesk.obligations import services as obligations
from incidentdesk.refusals import Refused

from .lookup import find_tool
from .models import AITool

__all__ = ["ToolRefused", "find_tool", "save_tool"]


class ToolRefused(Refused):
    """The tool entry is invalid; nothing was stored."""


def save_tool(*, by: Any, tool: AITool | None = None, **fields: Any) -> AITool:
    """Add or change a tool. What the rules read of it (annex, role, medical device, equivalent reporting) is a
    fact of every open incident that names it, so those incidents' clocks are recomputed in the same transaction:
    marking a tool as a medical device must start the MDR clocks now, not at the next unrelated edit."""
    with transaction.atomic():
        before = tool.as_facts(tool.name) if tool and tool.pk else None
        saved = audit.save_audited(instance=tool or AITool(), fields=fields, by=by, object_type="aitool",
                                   action="tool", refused=ToolRefused,
                                   summary=fields.get("name") or (tool.name if tool else ""))
        linked = obligations.after_tool_saved(tool=saved, by=by)
        if before is not None and saved.as_facts(saved.name) != before:
            obligations.after_tool_changed(tool=saved, by=by, skip=set(linked))
    return saved
