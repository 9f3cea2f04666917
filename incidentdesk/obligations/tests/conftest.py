"""A rule book in a temporary folder that a test edits, as an organisation edits its rule files when the law changes."""

import shutil

import pytest
import time_machine

from conftest import NOW
from incidentdesk.assessment import rulebook


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    """A copy of the rule files that ``default_rulebook()`` reads for this test: ``edit(file, old, new)``
    changes one of them (the text must be there), and the next call of ``default_rulebook()`` reads it."""
    folder = tmp_path / "rules"
    shutil.copytree(rulebook.RULES_DIR, folder)
    monkeypatch.setattr(rulebook, "RULES_DIR", folder)
    rulebook.default_rulebook.cache_clear()

    def edit(name: str, old: str, new: str) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        rulebook.default_rulebook.cache_clear()

    yield edit
    monkeypatch.undo()
    rulebook.default_rulebook.cache_clear()


@pytest.fixture
def frozen_now():
    """Today is the suite's fixed NOW, so no outcome depends on the day the tests run."""
    with time_machine.travel(NOW, tick=False):
        yield NOW
