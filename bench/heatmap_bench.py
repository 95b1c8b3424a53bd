"""What drawing a large team's heatmap costs: the pictures of ``/palier team`` for a team
too large for tables, and one person's progress chart.

Builds a team in memory (no database: the team view's reads are ``reads_bench.py``'s) —
N reports on a référentiel, every competency self-rated, a manager's rating on one in
three with a gap on some — then draws every picture of its heatmap as ``/palier team``
sends them (:func:`bot.views.team_files.team_files`: the CSV and each picture), and one
progress chart (:func:`bot.views.progress_chart.progress_png`). Reported: the first
drawing of the process (matplotlib imported then, as in ``palier run``, where it is
imported on the first picture), then the median of several runs after it, the number of
pictures, their size in pixels and in bytes.

    .venv/bin/python bench/heatmap_bench.py [--reports 300] [--runs 5] [--quick]

``--quick``: 20 reports, one run, in seconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.progress import RatingPoint, summarize
from bot.domain.progress_chart import ProgressChart, last_quarters, levels_by_quarter
from bot.domain.team import CompetencyLine, Participation, ReportOverview, TeamOverview
from bot.i18n import translator
from bot.views.progress_chart import progress_png
from bot.views.team_files import team_files
from bot.views.team_heatmap import pages
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
REFERENTIELS = ("account-executive", "manager-equipe-vendeurs-b2b", "business-developer")


def team(referentiel: Referentiel, reports: int, seed: int = 7) -> TeamOverview:
    """``reports`` people on ``referentiel``, every competency self-rated."""
    rng = random.Random(seed)
    levels = referentiel.scale.levels
    found = []
    for index in range(reports):
        summary = summarize(referentiel, [], {}, [], NOW)
        lines = []
        for competency in referentiel.all_competencies():
            own = rng.randrange(len(levels))
            theirs = rng.randrange(len(levels)) if rng.random() < 0.33 else None
            gap = theirs - own if theirs is not None else None
            lines.append(
                CompetencyLine(
                    competency,
                    levels[own],
                    levels[theirs] if theirs is not None else None,
                    gap,
                    0,
                    0,
                    rng.randrange(3),
                )
            )
        found.append(
            ReportOverview(
                index,
                f"Personne {index:03d} Nom-de-famille",
                referentiel,
                summary,
                lines,
                Participation(3, 4),
                Participation(10, 12),
                frozenset(),
            )
        )
    return TeamOverview(found)


def chart(referentiel: Referentiel) -> ProgressChart:
    quarters = last_quarters(NOW, "Europe/Paris")
    levels = referentiel.scale.levels
    points = [
        RatingPoint(competency.id, levels[i % len(levels)].id, quarters[i % 4].ends_at)
        for i, competency in enumerate(referentiel.all_competencies())
    ]
    return ProgressChart(
        "Chloé Rao", referentiel, quarters, levels_by_quarter(referentiel, points, quarters)
    )


def _timed(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """The first call's wall time, then the median wall and CPU time of ``runs`` more, in
    seconds (CPU: this process's, which other processes on the machine change less)."""
    began = time.perf_counter()
    action()
    first = time.perf_counter() - began
    walls, cpus = [], []
    for _ in range(runs):
        began, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
    if not walls:
        return first, first, first
    return first, statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    reports, runs = (20, 1) if args.quick else (args.reports, args.runs)
    catalog = ReferentielCatalog.load()
    t = translator("fr")
    print(f"heatmap of {reports} reports, median of {runs} runs after the first")
    print(
        "référentiel | competencies | pictures | largest (px) | bytes | first s | median s"
        " | median CPU s"
    )
    for referentiel_id in REFERENTIELS:
        referentiel = catalog.get(referentiel_id)
        assert referentiel is not None
        overview = team(referentiel, reports)
        files = team_files(overview, t).files[1:]
        largest = max(page.size for page in pages(overview))
        size = sum(len(file.content) for file in files)
        first, median, cpu = _timed(lambda o=overview: team_files(o, t), runs)
        print(
            f"{referentiel_id} | {len(referentiel.all_competencies())} | {len(files)} | "
            f"{largest[0]}×{largest[1]} | {size:,} | {first:.2f} | {median:.2f} | {cpu:.2f}"
        )
    referentiel = catalog.get("manager-equipe-vendeurs-b2b")
    assert referentiel is not None
    first, median, cpu = _timed(lambda: progress_png(chart(referentiel), t), runs)
    print(
        f"progress chart (17 competencies): first {first:.3f} s, median {median:.3f} s"
        f" (CPU {cpu:.3f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
