"""Add and change AI tools in the inventory, audited."""

from __future__ import annotations

from typing import Any

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused

from .models import AITool


class ToolRefused(Refused):
    """The tool entry is invalid; nothing was stored."""


def save_tool(*, by: Any, tool: AITool | None = None, **fields: Any) -> AITool:
    return audit.save_audited(instance=tool or AITool(), fields=fields, by=by, object_type="aitool", action="tool",
                              refused=ToolRefused, summary=fields.get("name") or (tool.name if tool else ""))


def find_tool(name: str) -> AITool | None:
    return AITool.objects.filter(name__iexact=name.strip()).first()
