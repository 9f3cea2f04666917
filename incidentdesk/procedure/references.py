"""The incident procedure's sections, and references to them in words a person can follow (issue 12, item 1).

The rule files cite the procedure tersely ("Seed procedure §4, Level 2", "seed §6 step 3"). That stays the rule
data; what people read goes through one function: :func:`readable` for text (drafts, PDF, CLI, messages:
"our incident procedure, section 6 'Response workflow', step 3 'Classify'") and :func:`linked` for the web,
where each reference links to its section of the procedure page (``/procedure/#section-6-step-3``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

DATA = Path(__file__).parent / "procedure.toml"

#: "Seed procedure", "seed", "Incident procedure" before a "§": the words that mark a procedure reference.
MARKER = re.compile(r"\b(?P<marker>(?:[Ss]eed|[Ii]ncident) procedure|[Ss]eed)\s+(?=§\d)")
#: One reference, with an optional level or step: "§4, Level 2", "§4 Level 3", "§6 step 3", "§8".
SECTION = re.compile(r"§(?P<section>\d+)(?:,?\s+(?:[Ll]evel (?P<level>\d)|step (?P<step>\d)))?")
#: After a marker, the references run on to the next ";" (and on through "; §6 step 4").
RUN = re.compile(r"[^;]*(?:;\s*§[^;]*)*")


@dataclass(frozen=True)
class Part:
    """A level of section 4 or a step of section 6."""

    number: int
    name: str
    text: str
    examples: str = ""


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    summary: str
    rules: list[str] = field(default_factory=list)
    levels: list[Part] = field(default_factory=list)
    steps: list[Part] = field(default_factory=list)


@dataclass(frozen=True)
class Procedure:
    name: str
    source: str
    sections: list[Section]
    version: str = ""  # the version people are briefed on (briefings); the governance documents will own it

    def section(self, number: int) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)


@lru_cache(maxsize=1)
def procedure() -> Procedure:
    """The procedure's sections, as shipped in ``procedure.toml``."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    sections = [Section(
        number=s["number"], title=s["title"], summary=s["summary"], rules=list(s.get("rules", [])),
        levels=[Part(p["number"], p["name"], p["response"], p["examples"]) for p in s.get("level", [])],
        steps=[Part(p["number"], p["name"], p["text"]) for p in s.get("step", [])],
    ) for s in data["section"]]
    return Procedure(data["name"], data["source"], sections, str(data.get("version", "")))


def anchor(section: int, level: str | None = None, step: str | None = None) -> str:
    """The procedure page's anchor for a reference: section-4, section-4-level-2, section-6-step-3."""
    if step:
        return f"section-{section}-step-{step}"
    if level:
        return f"section-{section}-level-{level}"
    return f"section-{section}"


def _words(match: re.Match[str]) -> str:
    """One reference in words: "section 6 'Response workflow', step 3 'Classify'"."""
    number = int(match.group("section"))
    found = procedure().section(number)
    text = f"section {number}" + (f" '{found.title}'" if found else "")
    if match.group("level"):
        part = next((p for p in found.levels if p.number == int(match.group("level"))), None) if found else None
        text += f", level {match.group('level')}" + (f" '{part.name}'" if part else "")
    if match.group("step"):
        part = next((p for p in found.steps if p.number == int(match.group("step"))), None) if found else None
        text += f", step {match.group('step')}" + (f" '{part.name}'" if part else "")
    return text


def _lead(marker: str) -> str:
    return "Our incident procedure, " if marker[:1].isupper() else "our incident procedure, "


def _convert(text: str, reference, plain) -> str:
    """Walk ``text``: each marked run of references through ``reference``, everything else through ``plain``."""
    out: list[str] = []
    position = 0
    for marker in MARKER.finditer(text):
        if marker.start() < position:
            continue
        out.append(plain(text[position:marker.start()]))
        run = RUN.match(text, marker.end())
        end = run.end() if run else marker.end()
        body = text[marker.end():end]
        out.append(plain(_lead(marker.group("marker"))))
        inner = 0
        for ref in SECTION.finditer(body):
            out.append(plain(body[inner:ref.start()]))
            out.append(reference(ref))
            inner = ref.end()
        out.append(plain(body[inner:]))
        position = end
    out.append(plain(text[position:]))
    return "".join(out)


def readable(text: str) -> str:
    """Text with every procedure reference in words: for drafts, PDF, CLI and messages."""
    return _convert(str(text), _words, lambda part: part)


def linked(text: str) -> SafeString:
    """HTML with every procedure reference a link to its section of the procedure page (the rest escaped)."""
    page = reverse("procedure")

    def reference(match: re.Match[str]) -> str:
        target = anchor(int(match.group("section")), match.group("level"), match.group("step"))
        return format_html('<a href="{}#{}">{}</a>', page, target, _words(match))

    return mark_safe(_convert(str(text), reference, lambda part: str(escape(part))))  # noqa: S308 - parts escaped
