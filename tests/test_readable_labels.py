"""No label in any page or export of the demo is a field name run together (issue 12, Done-when).

The test loads the demo, signs in as its administrator and renders every page a person can reach: the
dashboard, the register, each incident's workspace, edit form, drafts and report, the organisation, the
inventory, contacts, audit log, triage, change log, the procedure page, and the CSV and XLSX exports. In
the text a person sees it looks for:

- a word glued from the app's own identifiers ("Publishedexternally", "biasdiscrimination"): a word that
  is an identifier with its underscores dropped, or a word of 16+ letters made of two or more of the words
  the app's identifiers are built from;
- a snake_case token (``key_compromised``) or a dotted fact path (``personal_data.lost``, ``tools[0].x``);
- an acronym in auto-label case ("Ip copyright", "Ai act role") and a bare True/False.

The dictionary is built from the app itself (model fields and choices, the facts schema, the rule files), so a
field added tomorrow is covered. ``ALLOWED`` lists the few tokens that are right as they are, with reasons.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine

pytestmark = pytest.mark.slow

#: Tokens that look like identifiers but are what a person should read, with the reason.
ALLOWED = {
    "demo-incidentdesk": "the demo password, printed on purpose",
}
#: Elements whose text is machine data shown on purpose, not labels: the audit log's sealed before/after record
#: (<pre>, shown verbatim so it can be checked against the seal) and commands or hashes (<code>).
MACHINE_TEXT = ("pre", "code")
ACRONYMS = re.compile(r"\b(Ai|Ip|Gdpr|Nis2|Dora|Enisa|Ict|Gpai|Rca|Capa|Sb53|Api|Dpo|Dpa)\b")
SNAKE = re.compile(r"(?<![\w@/.:=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
WORD = re.compile(r"[A-Za-z]+")
BOOLEAN = re.compile(r"^(True|False|None)$")


class _Text(HTMLParser):
    """The text a person sees: text nodes (not script or style) and the title/placeholder/aria-label attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", *MACHINE_TEXT):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", *MACHINE_TEXT) and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


@cache
def identifiers() -> frozenset[str]:
    """Every snake_case name the app defines: model fields and choice values, facts, rule ids and keys."""
    from django.apps import apps

    from incidentdesk.assessment.facts import fact_paths

    names: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("incidentdesk"):
            continue
        for field in model._meta.get_fields():
            names.add(field.name)
            for value, _ in getattr(field, "choices", None) or []:
                if isinstance(value, str):
                    names.add(value)
    for path in fact_paths():
        names.update(re.split(r"[.\[\]]+", path))
    from incidentdesk.assessment.facts import Category

    names.update(c.value for c in Category)
    rules = Path(__file__).resolve().parent.parent / "incidentdesk" / "assessment" / "rules"
    for file in rules.glob("*.toml"):
        names.update(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", file.read_text(encoding="utf-8")))
    return frozenset(name for name in names if name)


@cache
def dotted() -> re.Pattern[str]:
    """A fact path of the schema written out: "personal_data.lost", "tools[0].high_risk" (not "incident.created",
    an audit event's code)."""
    from incidentdesk.assessment.facts import fact_paths

    paths = sorted((p for p in fact_paths() if "." in p), key=len, reverse=True)
    return re.compile("|".join(re.escape(p).replace(r"\[\]", r"\[\d*\]") + r"\b" for p in paths))


@cache
def glued_identifiers() -> frozenset[str]:
    """Identifiers of two or more words with the underscores dropped: "publishedexternally"."""
    return frozenset(name.replace("_", "") for name in identifiers() if "_" in name)


@cache
def parts() -> frozenset[str]:
    """The words identifiers are made of (three letters or more, so that "in"/"of" cannot glue anything)."""
    return frozenset(p for name in identifiers() for p in name.split("_") if len(p) >= 3 and p.isalpha())


def is_glued(word: str) -> bool:
    """True for a word made of two or more identifier words run together."""
    lower = word.lower()
    if lower in glued_identifiers():
        return True
    if len(lower) < 16:
        return False
    known = parts()

    @cache
    def split(start: int) -> int:  # the most pieces lower[start:] splits into, 0 if it cannot
        if start == len(lower):
            return 0
        best = -1
        for end in range(start + 3, len(lower) + 1):
            if lower[start:end] in known:
                rest = split(end)
                if rest >= 0:
                    best = max(best, rest + 1)
        return best

    return split(0) >= 2


def problems(text: str) -> list[str]:
    found: list[str] = []
    if text in ALLOWED:
        return found
    if BOOLEAN.match(text):
        found.append(f"bare {text}")
    found += [f"acronym {m.group(0)!r}" for m in ACRONYMS.finditer(text)]
    found += [f"dotted fact path {m.group(0)!r}" for m in dotted().finditer(text)]
    found += [f"snake_case {m.group(0)!r}" for m in SNAKE.finditer(text) if m.group(0) not in ALLOWED]
    found += [f"glued {w!r}" for w in WORD.findall(text) if w not in ALLOWED and is_glued(w)]
    return found


def test_the_detector_finds_what_the_issue_lists_and_passes_plain_words(db):
    for bad in ("Publishedexternally", "Caughtinreview", "Automateddecisionwithouthumanreview",
                "biasdiscrimination", "Ip copyright", "Ai act role", "True", "Still unknown: tools[0].high_risk",
                "personal_data.key_compromised"):
        assert problems(bad), bad
    for good in ("Published externally", "Was the encryption key compromised? (tool: HR screener)",
                 "Bias or discrimination", "AI Act role", "Yes", "responsibilities", "notification",
                 "privacy@demo.example", "https://example.org/path_with_underscore"):
        assert not problems(good), good


DEMO_NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo_admin(db, client, settings, tmp_path):
    """The demo loaded, and a client signed in as its administrator."""
    from django.contrib.auth import get_user_model

    from incidentdesk.cli import demo

    settings.EVIDENCE_DIR = tmp_path / "evidence"
    with time_machine.travel(DEMO_NOW, tick=False):
        demo.load()
    client.force_login(get_user_model().objects.get(username=demo.USERNAME))
    return client


def _pages(client) -> list[str]:
    """Every page reachable from the demo, each incident's pages too."""
    from incidentdesk.incidents.models import Incident

    urls = ["/", "/incidents/", "/incidents/record/", "/organisation/", "/organisation/?edit=1", "/inventory/",
            "/inventory/add/", "/contacts/", "/contacts/add/", "/audit/", "/triage/", "/changes/", "/account/",
            "/procedure/", "/report/"]
    from incidentdesk.inventory.models import AITool

    for tool in AITool.objects.all():
        urls += [f"/inventory/{tool.pk}/", f"/inventory/{tool.pk}/edit/"]
    for incident in Incident.objects.all():
        base = f"/incidents/{incident.reference}/"
        urls += [base, base + "edit/"]
        for draft in incident.drafts.all() if hasattr(incident, "drafts") else []:
            urls.append(f"{base}drafts/{draft.pk}/")
    return urls


def _check(url: str, response, failures: list[str], hidden: bool = False) -> None:
    """Look for run-together labels in one page (``hidden``: a 404 is fine, a restricted incident)."""
    assert response.status_code in (200, 302, *((404,) if hidden else ())), (url, response.status_code)
    if response.status_code == 200:
        for text in visible_text(response.content.decode()):
            failures += [f"{url}: {p} in {text[:120]!r}" for p in problems(text)]


def test_every_demo_page_reads_as_words(demo_admin):
    """As the administrator (who sees the forms) and as a viewer (who sees the saved values, e.g. the profile)."""
    from django.contrib.auth import get_user_model

    failures: list[str] = []
    with time_machine.travel(DEMO_NOW, tick=False):
        for url in _pages(demo_admin):
            _check(url, demo_admin.get(url), failures)
        preview = {"title": "HR screener rejected older applicants", "detected_at": "2026-11-22T09:00",
                   "tool": "CV screening assistant", "personal_data": "yes", "published_externally": ""}
        _check("preview", demo_admin.post("/incidents/record/preview/", preview), failures)
        demo_admin.force_login(get_user_model().objects.get(username="viewer"))
        for url in _pages(demo_admin):
            if not url.endswith(("edit/", "add/", "edit=1", "record/", "/report/", "/audit/")):
                _check(f"{url} (viewer)", demo_admin.get(url), failures, hidden=True)
    assert not failures, "\n".join(failures)


def test_the_demo_exports_read_as_words(demo_admin):
    from openpyxl import load_workbook

    failures: list[str] = []
    with time_machine.travel(DEMO_NOW, tick=False):
        csv_text = b"".join(demo_admin.get("/incidents/export.csv").streaming_content).decode()
        xlsx = load_workbook(io.BytesIO(demo_admin.get("/incidents/export.xlsx").content))
    cells = [cell for line in csv.reader(io.StringIO(csv_text)) for cell in line]
    cells += [str(c.value) for sheet in xlsx for r in sheet.iter_rows() for c in r if c.value is not None]
    for text in cells:
        failures += [f"export: {p} in {text[:120]!r}" for p in problems(text)]
    assert not failures, "\n".join(failures)


def test_the_rule_files_are_toml():  # guards the identifier dictionary's source
    rules = Path(__file__).resolve().parent.parent / "incidentdesk" / "assessment" / "rules"
    for file in rules.glob("*.toml"):
        tomllib.loads(file.read_text(encoding="utf-8"))
