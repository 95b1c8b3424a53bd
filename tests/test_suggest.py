"""Evidence that tags itself (bot/domain/suggest.py) and ``palier evidence suggest``.

The figures are asserted on the labelled sets of bench/data/suggest/ (evidence written as
sales people write it, French and English): precision@1 and recall@3 at the issue's
targets and clearly above a naive word-overlap baseline. Deterministic: no timing here
(bench/suggest_bench.py measures it).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bot.domain.evidence import criterion_choices
from bot.domain.suggest import index_of, query_terms, suggest, terms
from handlers.cli import main
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import suggest_bench  # noqa: E402  (bench/ is scripts, not a package)

CATALOG = ReferentielCatalog.load()


def referentiel(referentiel_id: str) -> Referentiel:
    found = CATALOG.get(referentiel_id)
    assert found is not None
    return found


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


SETS = suggest_bench.labelled_sets()


def test_the_labelled_sets_are_a_matrix_and_a_certification_of_40_cases_or_more() -> None:
    kinds = {ref.kind for ref, _ in SETS}
    assert kinds == {"matrix", "certification"}
    for ref, cases in SETS:
        known = {competency.id for competency in ref.all_competencies()}
        assert len(cases) >= 40 and {case.competency for case in cases} == known
        assert sum(case.hard for case in cases) >= 10
        assert sum(not case.text.isascii() or " the " in case.text for case in cases) > 0


@pytest.mark.parametrize("ref, cases", SETS, ids=[ref.id for ref, _ in SETS])
def test_suggestion_meets_the_targets_and_beats_the_word_overlap_baseline(
    ref: Referentiel, cases: list[suggest_bench.Case]
) -> None:
    palier = suggest_bench.evaluate(ref, cases, suggest_bench.palier)
    baseline = suggest_bench.evaluate(ref, cases, suggest_bench.baseline)
    assert palier.precision_at_1 >= 0.6
    assert palier.recall_at_3 >= 0.85
    assert palier.precision_at_1 >= baseline.precision_at_1 + 0.15
    assert palier.recall_at_3 >= baseline.recall_at_3 + 0.1


def test_french_normalisation_cuts_elisions_folds_accents_and_stems() -> None:
    assert terms("L'entreprise") == terms("entreprises")
    assert terms("qu’il négociait") == terms("il négociait")
    assert "negoci" in terms("négociation") and terms("Négociées") == terms("négociée")
    assert terms("de la et les the of") == []


def test_jargon_and_english_bring_the_referentiels_words() -> None:
    assert set(terms("rendez-vous")) <= set(query_terms("3 RDV cette semaine"))
    assert set(terms("réduction")) <= set(query_terms("no discount given"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Signé chez Leroy Merlin après une négo serrée sur le prix", "closing"),
        ("Booked 5 meetings from cold calls this week", "prospection"),
    ],
)
def test_a_matrix_text_ranks_its_competency_first_with_an_aspect_of_it(
    text: str, expected: str
) -> None:
    ref = referentiel("account-executive")
    best = suggest(ref, text)[0]
    assert best.competency.id == expected
    assert best.criterion_key in {choice.key for choice in criterion_choices(best.competency)}


def test_a_certification_text_gets_its_competency_and_criterion() -> None:
    ref = referentiel("manager-grands-comptes")
    ranked = suggest(ref, "Cartographie des décideurs clés chez Thales et leur influence", top=5)
    assert ranked[0].competency.id == "C4" and ranked[0].criterion_key == "C4#1"
    assert len(ranked) <= 5
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


def test_a_text_sharing_no_word_gets_no_suggestion() -> None:
    ref = referentiel("account-executive")
    assert suggest(ref, "") == [] and suggest(ref, "zzz qwerty") == []
    assert suggest(ref, "Signé !", top=0) == []


def test_the_index_is_built_once_per_referentiel() -> None:
    ref = referentiel("business-developer")
    assert index_of(ref) is index_of(ref)
    assert index_of(ref) is not index_of(referentiel("account-executive"))


def test_cli_json_gives_competency_ids_as_referentiels_show_criterion_and_score() -> None:
    status, out, _ = run(
        "evidence",
        "suggest",
        "--referentiel",
        "manager-grands-comptes",
        "--json",
        "--top",
        "2",
        "Préparé une matrice concessions / contreparties avant la négo",
    )
    assert status == 0
    rows = json.loads(out)
    _, shown, _ = run("referentiels", "show", "manager-grands-comptes", "--json")
    ids = {c.id for c in Referentiel.model_validate_json(shown).all_competencies()}
    assert len(rows) == 2 and {row["competency"] for row in rows} <= ids
    assert rows[0] == {"competency": "C12", "criterion": "C12#1", "score": rows[0]["score"]}
    assert rows[0]["score"] > rows[1]["score"] > 0


def test_cli_text_in_french_quotes_competency_and_criterion() -> None:
    status, out, _ = run(
        "evidence",
        "suggest",
        "--referentiel",
        "manager-grands-comptes",
        "--top",
        "1",
        "Analysé nos tableaux de bord de satisfaction, puis actions correctives",
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("1. C6 Mettre en place le suivi de la satisfaction client")
    assert "(score " in lines[0] and "," in lines[0].rsplit("score", 1)[1]  # 12,34
    assert lines[1] == (
        "   critère : L'analyse des tableaux de bord sur la satisfaction client permet la mise"
        " en place d'actions correctives."
    )


def test_cli_text_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    status, out, _ = run(
        "evidence", "suggest", "--referentiel", "account-executive", "Closed the deal, no discount"
    )
    assert status == 0
    assert out.startswith("1. Closing (score ") and "   criterion: " in out
    status, out, _ = run("evidence", "suggest", "--referentiel", "account-executive", "zzz")
    assert status == 0
    assert (
        out
        == "No competency of “account-executive” stands out in this text: it shares no word with the référentiel.\n"
    )


def test_cli_refuses_an_unknown_referentiel_and_a_bad_top(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run("evidence", "suggest", "--referentiel", "nope", "Signé")
    assert (status, out) == (1, "") and err.startswith("aucun référentiel « nope »")
    with pytest.raises(SystemExit) as exited:
        run("evidence", "suggest", "--referentiel", "account-executive", "--top", "0", "Signé")
    assert exited.value.code == 2
    assert "--top attend un nombre entier de 1 à 50" in capsys.readouterr().err


def test_the_certifications_criterion_is_right_where_one_clearly_applies() -> None:
    [(ref, cases)] = [(ref, cases) for ref, cases in SETS if ref.kind == "certification"]
    accuracy, labelled = suggest_bench.criterion_accuracy(ref, cases)
    assert labelled >= 10 and accuracy >= 0.75
