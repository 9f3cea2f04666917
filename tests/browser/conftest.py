"""Browser journeys' shared pieces: where screenshots go.

The suite must leave the git tree clean, so a journey's screenshot goes to a temporary folder unless
``INCIDENTDESK_SCREENSHOTS=1`` is set (``make screenshots``), which refreshes ``docs/screenshots/``.
Taking the screenshot is part of the journey either way (it fails on a page that cannot render).
"""

import os
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def shot(tmp_path):
    folder = DOCS if os.environ.get("INCIDENTDESK_SCREENSHOTS") == "1" else tmp_path

    def _shot(page, name: str) -> Path:
        path = folder / name
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
