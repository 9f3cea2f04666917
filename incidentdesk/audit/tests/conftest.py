"""The audit tests each get their own key ring (they rotate and forge keys) beside their own checkpoints."""

import pytest


@pytest.fixture(autouse=True)
def audit_key(settings, tmp_path):
    """A key ring made on first use in this test's folder, as the demo makes ``var/audit.key``."""
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.AUDIT_KEY_AUTOCREATE = True
    return settings.AUDIT_KEY_FILE
