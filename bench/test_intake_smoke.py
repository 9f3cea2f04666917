"""The intake benchmark runs end to end at a small size, with 1, 2 and 4 senders (full size: python
bench/intake.py). In the PostgreSQL run of the suite (INCIDENTDESK_DB_ENGINE=postgres) it runs on PostgreSQL, in a
database of its own on the same server."""

import os
import subprocess
import sys
from pathlib import Path


def test_the_intake_benchmark_runs_at_a_small_size():
    script = Path(__file__).with_name("intake.py")
    postgres = ["--postgres"] if os.environ.get("INCIDENTDESK_DB_ENGINE") == "postgres" else []
    result = subprocess.run([sys.executable, str(script), "--requests", "100", *postgres], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Alertmanager webhook, 20 per request" in result.stdout
    assert "generic alert, 1 per request, 4 processes" in result.stdout
    queries = "8 (new fingerprint), 7 (repeat" if postgres else "7 (new fingerprint), 6 (repeat"  # + advisory lock
    assert f"Queries of one signed alert: {queries}" in result.stdout
