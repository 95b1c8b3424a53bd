"""Every benchmark still runs (bench/run.py --quick): a benchmark nobody runs rots. Its
figures are not checked here (they are measured, side by side, in bench/RESULTS.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import POSTGRES_ONLY  # noqa: E402  (bench/ is scripts, not a package)


def test_every_benchmark_runs_in_its_quick_mode() -> None:
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--quick"]
    server = os.environ.get("TEST_DATABASE_URL")
    if server:
        command += ["--postgres", server]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ran = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("== ")}
    expected = {path.name for path in (ROOT / "bench").glob("*_bench.py")}
    if not server:
        assert expected >= POSTGRES_ONLY  # names of benchmarks that exist
        expected -= POSTGRES_ONLY
    assert ran == expected  # a new benchmark is added to run.py too
