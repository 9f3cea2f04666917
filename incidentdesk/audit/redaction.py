"""What a reader sees of a sealed event that names an incident they may not see (decision 195).

An event written under a visible incident can name another one: a link ("other": its reference), a merge,
a clock settled "Merged into …". The sealed row is never rewritten (the hash chain holds it as written);
what is read through ``AuditEvent.objects.visible_to(user)`` carries, in memory, the same record with every
reference this person may not see (``policy.hidden_references``: restricted incidents they are not named on,
live or deleted) replaced by words. So the readable diff, the workspace activity, the report's history and
the raw record shown one click away all say "an incident you cannot see", and nothing of the kind is saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HIDDEN_WORDS = "an incident you cannot see"


def pattern(references: Iterable[str]) -> re.Pattern[str] | None:
    """One expression for all hidden references (longest first, whole references only); None when none."""
    refs = sorted({r for r in references if r}, key=len, reverse=True)
    if not refs:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(r) for r in refs) + r")(?![\w-])")


def redact(text: str, hidden: re.Pattern[str] | None) -> str:
    """``text`` with each hidden reference replaced by words; the text itself when there is nothing to hide."""
    if hidden is None or not text:
        return text
    return hidden.sub(HIDDEN_WORDS, text)
