"""The two cases of issue 12 the draft tests write letters for, and what no outward letter may contain."""

from __future__ import annotations

import re

HR_DESCRIPTION = ("Internal: ScreenAI v2 auto-rejected ~120 CVs of candidates 50+ between 2 and 19 Nov; "
                  "found by recruiter J. in review (ticket HR-4411).")
HR_PARTIES = "About 120 job applicants aged over 50"
CONTACT = "Ana Peeters, data protection officer, dpo@example.be, +32 2 555 01 23"

#: Words of the internal record that must never reach a letter: the ENISA score, levels, rule ids, field names.
FORBIDDEN = [re.compile(p) for p in (
    r"ENISA", r"\bDPC\b", r"\bCB\b", r"\bEI\b", r"[+-]0\.\d\d", r"\bscore\b", r"Seed procedure", r"§",
    r"\b(Level|Niveau|Stufe|niveau) \d\b", r"\b(?!INC-)[A-Z]{2,5}-\d+(-[A-Z0-9]+)+\b", r"\b[a-z]+_[a-z_]+\b",
    r"\bpersonal_data\b", r"\bTrue\b", r"\bFalse\b", r"\bNone\b", r"\bnothing\.",
)]


def forbidden_in(text: str) -> list[str]:
    """Every internal word found in ``text`` (empty when the letter is fit to send)."""
    return [m.group(0) for p in FORBIDDEN for m in p.finditer(text)]


def listed_after(body: str, intro: str) -> list[str]:
    """The bullet items that follow the line ``intro`` (the closing 'still to follow' list)."""
    if intro not in body:
        return []
    items = []
    for line in body.split(intro, 1)[1].splitlines()[1:]:
        if not line.startswith("- "):
            break
        items.append(line[2:])
    return items
