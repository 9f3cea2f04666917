"""The whole-page benchmark runs end to end at a small size, on the suite's database engine (full scale: make bench).

On SQLite it writes a temporary file; when the suite runs on PostgreSQL (INCIDENTDESK_DB_ENGINE=postgres), a new
database on that same server, dropped afterwards. Every page must answer as a person would see it (200, or the
redirect after recording), and the table must be printed.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_every_page_answers_at_a_small_size(tmp_path):
    script = Path(__file__).with_name("pages.py")
    command = [sys.executable, str(script), "--incidents", "2000", "--repeat", "2", "--budget", "1",
               "--large-rows", "20", "--large-events", "100", "--json", str(tmp_path / "pages.json")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if os.environ.get("INCIDENTDESK_DB_ENGINE") == "postgres":
        command += ["--postgres", "--pg-port", os.environ.get("INCIDENTDESK_DB_PORT", "5432"),
                    "--pg-host", os.environ.get("INCIDENTDESK_DB_HOST", "127.0.0.1"),
                    "--pg-user", os.environ.get("INCIDENTDESK_DB_USER", "incidentdesk"),
                    "--pg-password", os.environ.get("INCIDENTDESK_DB_PASSWORD", ""),
                    "--pg-name", f"idk_pages_smoke_{uuid.uuid4().hex[:8]}", "--data-dir", str(tmp_path)]
    else:
        command += ["--db", str(tmp_path / "pages.sqlite3")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| page | as | status |" in result.stdout
    import json

    figures = json.loads((tmp_path / "pages.json").read_text())
    answered = {page["name"]: page["status"] for page in figures["pages"]}
    assert len(answered) >= 20
    assert {name: status for name, status in answered.items() if status not in (200, 302)} == {}
    assert answered["record an incident (web form POST)"] == 302
    assert all(page["queries"] > 0 for page in figures["pages"])
