"""Browser journeys' shared pieces: where screenshots go.

The suite must leave the git tree clean, so a journey's screenshot goes to a temporary folder unless
``INCIDENTDESK_SCREENSHOTS=1`` is set (``make screenshots``), which refreshes ``docs/screenshots/``.
Taking the screenshot is part of the journey either way (it fails on a page that cannot render).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shot(tmp_path):
    folder = DOCS if os.environ.get("INCIDENTDESK_SCREENSHOTS") == "1" else tmp_path

    def _shot(page, name: str) -> Path:
        path = folder / name
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def open_step():
    """Open one of the workspace's steps (they open one at a time; the next one to do is open already)."""
    def _open(page, key: str):
        step = page.locator(f"#step-{key}")
        if step.get_attribute("open") is None:
            step.locator("> summary").click()
        expect(step).to_have_attribute("open", "")
        return step

    return _open


@pytest.fixture
def open_form(open_step):
    """Open a form the workspace keeps closed until asked for (``details#<name>``), in its step."""
    def _open(page, step: str, name: str):
        open_step(page, step)
        form = page.locator(f"details#{name}")
        if form.get_attribute("open") is None:
            form.locator("> summary").click()
        return form

    return _open
