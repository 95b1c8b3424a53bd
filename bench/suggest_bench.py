"""How well evidence tags itself: precision@1 and recall@3 of the suggestion.

    .venv/bin/python bench/suggest_bench.py [--quick]

On the labelled sets of bench/data/suggest/ (evidence as sales people write it, labelled
with the competency it shows), Palier's suggestion (bot/domain/suggest.py) beside a naive
baseline: the competencies ranked by how many distinct words (case and accents folded)
the text shares with all their text. Also the time per text once the index is built.
Where a case names its criterion, also how often the first suggestion has that competency
with that criterion. The cases of data/suggest/holdout/, written after the lexicon and never tuned on, are
reported apart. ``--quick`` times one pass instead of twenty (the figures of quality do not change).

Two more measures. Preselection: of the first suggestions, how many the form would
preselect under the rule of :func:`bot.domain.suggest.confident` (a minimum score and a
margin over the second), how many wrong ones it avoids and right ones it loses, beside
neighbouring rules. Learning: a workspace's history is simulated with part of the
labelled cases as its past tags (every other case of a set; then the whole tuned set,
evaluated on the held-out cases), p@1 and r@3 measured on the cases not used as history,
with and without the learned vote (:mod:`bot.domain.suggest_learn`).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.suggest import (  # noqa: E402
    LEARNED_WEIGHT,
    MIN_MARGIN,
    MIN_SCORE,
    _competency_text,
    confident,
    suggest,
)
from bot.domain.suggest_learn import LearnedIndex, Tagged  # noqa: E402
from referentiels.loader import ReferentielCatalog  # noqa: E402
from referentiels.models import Referentiel  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "suggest"
Ranker = Callable[[Referentiel, str], list[str]]


@dataclass(frozen=True)
class Case:
    text: str
    competency: str
    hard: bool
    criterion: str | None = None


@dataclass(frozen=True)
class Scores:
    precision_at_1: float
    recall_at_3: float
    hard_precision_at_1: float
    cases: int


def load_cases(path: Path) -> tuple[str, list[Case]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [
        Case(c["text"], c["competency"], bool(c.get("hard")), c.get("criterion"))
        for c in data["cases"]
    ]
    return str(data["referentiel"]), cases


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return set(re.findall(r"[^\W_]+", plain))


def baseline(referentiel: Referentiel, text: str) -> list[str]:
    """Competencies by the number of distinct words shared with the text."""
    words = _words(text)
    overlap = [
        (len(words & _words(_competency_text(competency))), -index, competency.id)
        for index, competency in enumerate(referentiel.all_competencies())
    ]
    return [cid for shared, _, cid in sorted(overlap, reverse=True) if shared > 0]


def palier(referentiel: Referentiel, text: str) -> list[str]:
    return [suggestion.competency.id for suggestion in suggest(referentiel, text, top=3)]


def evaluate(referentiel: Referentiel, cases: list[Case], rank: Ranker) -> Scores:
    first = hits3 = hard_first = hard = 0
    for case in cases:
        ranked = rank(referentiel, case.text)
        first += ranked[:1] == [case.competency]
        hits3 += case.competency in ranked[:3]
        hard += case.hard
        hard_first += case.hard and ranked[:1] == [case.competency]
    n = len(cases)
    return Scores(first / n, hits3 / n, hard_first / hard if hard else 0.0, n)


def criterion_accuracy(referentiel: Referentiel, cases: list[Case]) -> tuple[float, int]:
    """Of the cases labelled with a criterion: how often the first suggestion is that
    competency with that criterion; and how many such cases."""
    labelled = [case for case in cases if case.criterion]
    right = 0
    for case in labelled:
        best = suggest(referentiel, case.text, top=1)
        right += bool(best) and (best[0].competency.id, best[0].criterion_key) == (
            case.competency,
            case.criterion,
        )
    return (right / len(labelled) if labelled else 0.0), len(labelled)


def labelled_sets(directory: Path = DATA) -> list[tuple[Referentiel, list[Case]]]:
    catalog = ReferentielCatalog.load()
    out = []
    for path in sorted(directory.glob("*.yaml")):
        referentiel_id, cases = load_cases(path)
        referentiel = catalog.get(referentiel_id)
        assert referentiel is not None, referentiel_id
        out.append((referentiel, cases))
    return out


def ms_per_text(referentiel: Referentiel, cases: list[Case], rounds: int) -> float:
    suggest(referentiel, "index")  # built once, then kept
    started = time.perf_counter()
    for _ in range(rounds):
        for case in cases:
            suggest(referentiel, case.text)
    return (time.perf_counter() - started) * 1000 / (rounds * len(cases))


def preselection(
    sets: list[tuple[Referentiel, list[Case]]], min_score: float, margin: float
) -> tuple[int, int, int, int]:
    """Under a rule: right first suggestions kept, right ones lost, wrong ones avoided,
    wrong ones still preselected."""
    kept = lost = avoided = wrong = 0
    for referentiel, cases in sets:
        for case in cases:
            ranked = suggest(referentiel, case.text, top=2)
            if not ranked:
                continue
            right = ranked[0].competency.id == case.competency
            chosen = confident(ranked, min_score, margin) is not None
            kept += right and chosen
            lost += right and not chosen
            avoided += not right and not chosen
            wrong += not right and chosen
    return kept, lost, avoided, wrong


def report_preselection(sets: list[tuple[Referentiel, list[Case]]]) -> None:
    print(
        "preselection (all labelled cases): min score, margin -> right kept / lost, wrong avoided / left"
    )
    for min_score, margin in (
        (0.0, 0.0),
        (MIN_SCORE, 0.0),
        (0.0, MIN_MARGIN),
        (MIN_SCORE, MIN_MARGIN),
        (1.5, 0.0),
        (2.5, 0.15),
        (3.0, 0.2),
        (4.0, 0.3),
    ):
        kept, lost, avoided, wrong = preselection(sets, min_score, margin)
        mark = "  <- Palier's rule" if (min_score, margin) == (MIN_SCORE, MIN_MARGIN) else ""
        print(
            f"  {min_score:>4.1f} {margin:>5.2f} -> {kept:>3} / {lost:>2}, "
            f"{avoided:>2} / {wrong:>2}{mark}"
        )


def learned_ranker(history: list[Case], weight: float = 1.0) -> Ranker:
    index = LearnedIndex([Tagged(c.text, c.competency, c.criterion) for c in history])

    def rank(referentiel: Referentiel, text: str) -> list[str]:
        found = suggest(referentiel, text, top=3, vote=index.vote(text), weight=weight)
        return [suggestion.competency.id for suggestion in found]

    return rank


def report_learning(
    tuned: list[tuple[Referentiel, list[Case]]], held: list[tuple[Referentiel, list[Case]]]
) -> None:
    print("learning from the workspace's past tags (history -> evaluated on the rest):")
    held_of = {referentiel.id: cases for referentiel, cases in held}
    for referentiel, cases in tuned:
        splits = [("every other case", cases[::2], cases[1::2])]
        if referentiel.id in held_of:
            splits.append(("tuned set -> held out", cases, held_of[referentiel.id]))
        for label, history, rest in splits:
            without = evaluate(referentiel, rest, palier)
            line = f"{referentiel.id:<24} {label:<22} {len(rest):>3} cases: without {without.precision_at_1:.2f}/{without.recall_at_3:.2f}"
            for weight in (0.1, LEARNED_WEIGHT, 0.5, 1.0):
                s = evaluate(referentiel, rest, learned_ranker(history, weight))
                line += f", x{weight:g} {s.precision_at_1:.2f}/{s.recall_at_3:.2f}"
            print(line + "  (p@1/r@3)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="time one pass, not twenty")
    args = parser.parse_args()
    print(f"{'référentiel':<24} {'ranker':<9} {'cases':>5} {'p@1':>6} {'r@3':>6} {'hard p@1':>9}")
    for referentiel, cases in labelled_sets():
        started = time.perf_counter()
        suggest(referentiel, "index")
        build_ms = (time.perf_counter() - started) * 1000
        for name, rank in (("baseline", baseline), ("palier", palier)):
            s = evaluate(referentiel, cases, rank)
            print(
                f"{referentiel.id:<24} {name:<9} {s.cases:>5} {s.precision_at_1:>6.2f} "
                f"{s.recall_at_3:>6.2f} {s.hard_precision_at_1:>9.2f}"
            )
        accuracy, labelled = criterion_accuracy(referentiel, cases)
        if labelled:
            print(f"{referentiel.id:<24} criterion right at 1: {accuracy:.2f} of {labelled} cases")
        per_text = ms_per_text(referentiel, cases, 1 if args.quick else 20)
        print(f"{referentiel.id:<24} index built in {build_ms:.1f} ms, {per_text:.2f} ms per text")
    print("held out (never tuned on):")
    for referentiel, cases in labelled_sets(DATA / "holdout"):
        for name, rank in (("baseline", baseline), ("palier", palier)):
            s = evaluate(referentiel, cases, rank)
            print(
                f"{referentiel.id:<24} {name:<9} {s.cases:>5} {s.precision_at_1:>6.2f} "
                f"{s.recall_at_3:>6.2f} {s.hard_precision_at_1:>9.2f}"
            )
    tuned, held = labelled_sets(), labelled_sets(DATA / "holdout")
    report_preselection(tuned + held)
    report_learning(tuned, held)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
