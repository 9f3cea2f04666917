"""The benchmark runs end to end at a small size (full scale: make bench)."""

import subprocess
import sys
from pathlib import Path


def test_the_register_benchmark_runs_at_a_small_size(tmp_path):
    script = Path(__file__).with_name("register.py")
    result = subprocess.run([sys.executable, str(script), "--incidents", "3000", "--repeat", "3",
                             "--db", str(tmp_path / "bench.sqlite3")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "audit verify (5,000 events)" in result.stdout  # one per incident, and the large incident's 2,000
    assert "clocks due in 24 h" in result.stdout
