"""A WSGI server runs no system checks: the application itself refuses to load without the audit key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {"INCIDENTDESK_DEBUG": "false", "INCIDENTDESK_SECRET_KEY": "s" * 60,
              "INCIDENTDESK_ALLOWED_HOSTS": "incidents.example.org"}


def load_wsgi(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENTDESK_", "DJANGO_"))}
    environment |= {"INCIDENTDESK_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)} | env
    return subprocess.run([sys.executable, "-c", "import incidentdesk.wsgi; print('loaded')"],
                          capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120)


def test_production_wsgi_without_an_audit_key_refuses_to_load_with_the_check_message(tmp_path):
    result = load_wsgi(tmp_path, **PRODUCTION)
    assert result.returncode != 0
    assert "loaded" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "audit.E001" in result.stderr
    assert "INCIDENTDESK_AUDIT_KEY" in result.stderr


def test_production_wsgi_with_an_audit_key_loads(tmp_path):
    result = load_wsgi(tmp_path, **PRODUCTION, INCIDENTDESK_AUDIT_KEY="a1" * 32)
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout


def test_production_wsgi_with_an_audit_key_file_loads(tmp_path):
    key_file = tmp_path / "audit.key"
    key_file.write_text("b2" * 32)
    key_file.chmod(0o600)
    result = load_wsgi(tmp_path, **PRODUCTION, INCIDENTDESK_AUDIT_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout
