"""A readable diff between two versions of a document, in words: sections added, changed and removed, with
the lines (stdlib ``difflib``, line by line, as the drafts' follow-ups do: decision 93)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,3})\s+(.*\S)\s*$")


@dataclass
class SectionChange:
    heading: str
    kind: str  # "added", "changed", "removed"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def words(self) -> str:
        return {"added": "Section added", "changed": "Section changed", "removed": "Section removed"}[self.kind]


def sections(body: str) -> dict[str, list[str]]:
    """Top-level sections by heading (the text before the first heading is "Opening"); sub-headings stay inside."""
    found: dict[str, list[str]] = {}
    current, top = "Opening", None
    for line in (body or "").splitlines():
        match = _HEADING.match(line)
        if match and (top is None or len(match.group(1)) <= top):
            top = len(match.group(1))
            current = match.group(2)
            found.setdefault(current, [])
            continue
        found.setdefault(current, []).append(line)
    return {h: lines for h, lines in found.items() if h != "Opening" or any(line.strip() for line in lines)}


def _lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def compare(old: str, new: str) -> list[SectionChange]:
    """What changed from ``old`` to ``new``, section by section, in the new text's order (removed ones last)."""
    before, after = sections(old), sections(new)
    result: list[SectionChange] = []
    for heading, lines in after.items():
        if heading not in before:
            result.append(SectionChange(heading, "added", added=_lines(lines)))
            continue
        added, removed = [], []
        for line in difflib.ndiff(_lines(before[heading]), _lines(lines)):
            if line.startswith("+ "):
                added.append(line[2:])
            elif line.startswith("- "):
                removed.append(line[2:])
        if added or removed:
            result.append(SectionChange(heading, "changed", added=added, removed=removed))
    result += [SectionChange(h, "removed", removed=_lines(lines)) for h, lines in before.items() if h not in after]
    return result


def summary(changes: list[SectionChange]) -> str:
    """"2 sections changed, 1 added" — or "No change"."""
    counts = {kind: sum(c.kind == kind for c in changes) for kind in ("changed", "added", "removed")}
    parts = [f"{n} section{'s' if n > 1 else ''} {kind}" for kind, n in counts.items() if n]
    return ", ".join(parts) if parts else "No change"
