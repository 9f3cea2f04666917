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
    with transaction.atomic():
        saved = audit.save_audited(instance=tool or AITool(), fields=fields, by=by, object_type="aitool",
                                   action="tool", refused=ToolRefused,
                                   summary=fields.get("name") or (tool.name if tool else ""))
        obligations.after_tool_saved(tool=saved, by=by)
    return saved
