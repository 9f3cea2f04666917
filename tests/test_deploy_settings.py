"""Production settings pass Django's deployment checks; demo settings refuse to run without DEBUG."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENTDESK_", "DJANGO_"))}
    environment |= {"INCIDENTDESK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "incidentdesk.settings"} | env
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True,
                          env=environment, cwd=tmp_path, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                    INCIDENTDESK_DEBUG="false", INCIDENTDESK_SECRET_KEY=secrets.token_urlsafe(50),
                    INCIDENTDESK_ALLOWED_HOSTS="incidents.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", tmp_path=tmp_path, INCIDENTDESK_DEBUG="false")
    assert result.returncode != 0
    assert "INCIDENTDESK_SECRET_KEY is required" in result.stderr


def test_a_misspelt_boolean_is_refused_rather_than_guessed(tmp_path):
    result = manage("check", tmp_path=tmp_path, INCIDENTDESK_DEBUG="no")
    assert result.returncode != 0
    assert "INCIDENTDESK_DEBUG must be true or false" in result.stderr
