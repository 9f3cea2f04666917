"""Write a document's text from what the system knows (issue 14, item 2).

The texts are data: one Markdown file per document kind in ``texts/``, with Django template syntax, filled from
``sources.gather()``. Each section names the ISO/IEC 42001 clause or Annex A control it answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.utils import timezone

from incidentdesk.times import local

from .sources import Knowledge, fingerprint, gather

TEXTS = Path(__file__).parent / "texts"
_engine = Engine(libraries={"governance_text": "incidentdesk.governance.templatetags.governance_text"},
                 builtins=["django.template.defaulttags", "django.template.defaultfilters"])


def context(knowledge: Knowledge) -> dict[str, Any]:
    return {
        "org": knowledge.organisation, "tools": knowledge.tools,
        "tool_names": [t.name for t in knowledge.tools],
        "high_risk_tools": knowledge.high_risk_tools,
        "high_risk_names": [t.name for t in knowledge.high_risk_tools],
        "levels": knowledge.levels, "classify_hours": knowledge.classify_within_hours,
        "regimes": knowledge.regimes, "not_applicable": knowledge.not_applicable,
        "not_applicable_titles": [r.title for r in knowledge.not_applicable],
        "contacts": knowledge.contacts, "people": knowledge.people,
        "managers": knowledge.people.get("Incident manager", []) or knowledge.people.get("Administrator", []),
        "today": local(timezone.now()).date().isoformat(),
    }


def text(kind: str, knowledge: Knowledge | None = None) -> tuple[str, dict[str, Any]]:
    """The generated Markdown for a document kind and the fingerprint of the sources it was written from."""
    knowledge = knowledge or gather()
    template = _engine.from_string((TEXTS / f"{kind}.md").read_text(encoding="utf-8"))
    body = template.render(Context(context(knowledge), autoescape=False))
    return _tidy(body), fingerprint(knowledge)


def _tidy(body: str) -> str:
    """Template tags leave blank lines behind; keep at most one between blocks."""
    lines = [line.rstrip() for line in body.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"
