"""Every benchmark, from one command: the figures of bench/RESULTS.md.

    .venv/bin/python bench/run.py [--postgres SERVER_URL] [--quick]

``--quick`` runs each at a size that takes seconds, so that CI (through the test suite,
tests/test_bench_quick.py) proves every benchmark still runs; its figures mean nothing.
Without ``--postgres`` the PostgreSQL-only benchmarks are left out (said so).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Benchmarks that measure what only PostgreSQL does (several processes claiming with
# SKIP LOCKED): left out without --postgres.
POSTGRES_ONLY = frozenset({"company_bench.py"})


def plan(postgres: str | None, quick: bool) -> list[tuple[str, list[str]]]:
    """(benchmark, arguments) to run, in order."""
    on_postgres = ["--postgres", postgres] if postgres else []
    runs: list[tuple[str, list[str]]] = [
        ("tick_bench.py", ["--people", "20" if quick else "100", *([] if quick else ["500"])]),
        ("tick_bench.py", ["--people", "20" if quick else "500", *on_postgres])
        if postgres
        else ("", []),
        ("idle_tick_bench.py", ["--people", *(["50"] if quick else ["1000", "10000"])]),
        ("requests_bench.py", on_postgres),
        ("dispatch_bench.py", ["--quick"] if quick else []),
        ("dispatch_bench.py", [*(["--quick"] if quick else []), *on_postgres])
        if postgres
        else ("", []),
    ]
    runs.append(("acks_bench.py", ["--quick"] if quick else []))
    runs.append(("heatmap_bench.py", ["--quick"] if quick else []))
    runs.append(("suggest_bench.py", ["--quick"] if quick else []))
    runs.append(("reads_bench.py", [*(["--quick"] if quick else []), *on_postgres, "--sqlite"]))
    if postgres:
        runs.append(
            ("idle_tick_bench.py", ["--people", *(["50"] if quick else ["100000"]), *on_postgres])
        )
        runs.append(("company_bench.py", [*(["--quick"] if quick else []), *on_postgres]))
    # A whole Thursday: ~3 real minutes at 1,000 people (--people 5000: ~10); SQLite beside
    # PostgreSQL in the full run only (the quick run proves the script on one of them).
    thursday = ["--quick"] if quick else ["--people", "1000"]
    runs.append(("thursday_bench.py", [*thursday, *on_postgres]))
    if postgres and not quick:
        runs.append(("thursday_bench.py", thursday))
    return [run for run in runs if run[0]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL server URL (databases are created)")
    parser.add_argument("--quick", action="store_true", help="every benchmark, in seconds")
    args = parser.parse_args()
    if not args.postgres:
        print("(no --postgres: the PostgreSQL-only benchmarks are left out)")
    failed = []
    for script, arguments in plan(args.postgres, args.quick):
        shown = " ".join(a if "://" not in a else "SERVER_URL" for a in arguments)
        print(f"== {script} {shown}", flush=True)
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(HERE / script), *arguments],
            check=False,
            env={**os.environ, "PYTHONPATH": str(HERE.parent)},  # bench/ imports its neighbours
        )
        print(f"   ({time.perf_counter() - began:.1f} s)", flush=True)
        if done.returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
