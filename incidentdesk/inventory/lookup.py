"""Find an inventory tool by name: the low-level lookup the incident services use (no service imports here)."""

from __future__ import annotations

from .models import AITool


def find_tool(name: str) -> AITool | None:
    """The inventory tool with this name, ignoring case and surrounding spaces, or None."""
    return AITool.objects.filter(name__iexact=name.strip()).first()
