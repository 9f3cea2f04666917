"""The intake benchmark runs end to end at a small size (full size: python bench/intake.py)."""

import subprocess
import sys
from pathlib import Path


def test_the_intake_benchmark_runs_at_a_small_size():
    script = Path(__file__).with_name("intake.py")
    result = subprocess.run([sys.executable, str(script), "--requests", "100"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Alertmanager webhook, 20 per request" in result.stdout
