"""Browser journeys' shared pieces: the demo on a live server, signing in and out, opening the workspace's
steps and forms, and where screenshots go.

The suite must leave the git tree clean, so a journey's screenshot goes to a temporary folder unless
``INCIDENTDESK_SCREENSHOTS=1`` is set (``make screenshots``), which refreshes ``docs/screenshots/``.
Taking the screenshot is part of the journey either way (it fails on a page that cannot render).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from incidentdesk.cli.demo import PASSWORD

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def app(live_server, transactional_register, settings, tmp_path):
    """A live server with the demo data (the organisation, one login per role, its incidents); evidence files go
    to a temporary folder. A journey that needs other data defines its own ``app``."""
    from incidentdesk.cli import demo

    settings.EVIDENCE_DIR = tmp_path / "evidence"
    demo.load()
    return live_server.url


@pytest.fixture
def sign_in():
    """Sign in through the login page as one of the demo's people: ``sign_in(page, app, "manager")``."""
    def _sign_in(page, base: str, username: str) -> None:
        page.goto(f"{base}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return _sign_in


@pytest.fixture
def sign_out():
    def _sign_out(page) -> None:
        page.get_by_role("button", name="Sign out").click()

    return _sign_out


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
