"""Add and change AI tools in the inventory, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from incidentdesk.audit import services as audit

from .models import AITool


class ToolRefused(ValueError):
    """The tool entry is invalid; nothing was stored."""


def save_tool(*, by: Any, tool: AITool | None = None, **fields: Any) -> AITool:
    creating = tool is None
    tool = tool or AITool()
    before = None if creating else audit.snapshot(AITool.objects.get(pk=tool.pk))
    for name, value in fields.items():
        setattr(tool, name, value)
    try:
        tool.full_clean()
    except ValidationError as exc:
        raise ToolRefused("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    with transaction.atomic():
        tool.save()
        after = audit.snapshot(tool)
        if before is not None:
            before, after = audit.changed(before, after)
        audit.record(action="tool.created" if creating else "tool.updated", object_type="aitool",
                     object_id=tool.pk, by=by, before=before, after=after, summary=tool.name)
    return tool


def find_tool(name: str) -> AITool | None:
    return AITool.objects.filter(name__iexact=name.strip()).first()
