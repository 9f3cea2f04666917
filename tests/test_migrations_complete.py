"""Every model change is in a migration, whatever folders the installation uses.

A migration that captured the evidence folder of whoever generated it (``/tmp/idmig/evidence``) made every
production ``migrate`` print that the models "have changes that are not yet reflected in a migration".
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {"INCIDENTDESK_DEBUG": "false", "INCIDENTDESK_SECRET_KEY": "s" * 60,
              "INCIDENTDESK_ALLOWED_HOSTS": "incidents.example.org", "INCIDENTDESK_AUDIT_KEY": "a1" * 32}


def manage(*args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENTDESK_", "DJANGO_"))}
    environment |= {"INCIDENTDESK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "incidentdesk.settings"} | env
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True,
                          env=environment, cwd=tmp_path, timeout=180)


def test_makemigrations_finds_nothing_to_write_for_an_installation_with_its_own_evidence_folder(tmp_path):
    evidence = tmp_path / "somewhere-else" / "evidence"
    result = manage("makemigrations", "--check", "--dry-run", tmp_path=tmp_path, **PRODUCTION,
                    INCIDENTDESK_EVIDENCE_DIR=str(evidence))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_production_migrate_does_not_report_unmigrated_model_changes(tmp_path):
    """The second ``migrate`` of an upgrade (nothing left to apply) is the one that looks for them."""
    evidence = {"INCIDENTDESK_EVIDENCE_DIR": str(tmp_path / "var" / "evidence")}
    assert manage("migrate", "--verbosity", "0", tmp_path=tmp_path, **PRODUCTION, **evidence).returncode == 0
    result = manage("migrate", tmp_path=tmp_path, **PRODUCTION, **evidence)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No migrations to apply" in result.stdout
    assert "not yet reflected in a migration" not in result.stdout + result.stderr
    assert "makemigrations" not in result.stdout + result.stderr
