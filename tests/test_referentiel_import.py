"""Importing a référentiel from its export reproduces the hand-transcribed data files.

The five shipped YAML files were transcribed by hand from the sources in
``tests/seeds``; importing a source must give the same structure (every competency,
level cell, criterion and modality in its place) and pass the word-for-word fidelity
check. Where the hand transcription made an editorial choice the import cannot
make, the difference is named in the test with its reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from referentiels.importers import UnreadableSource, import_text
from referentiels.loader import BUILTIN_DIR, load_file
from tests.support.fidelity import SEEDS, SOURCE_FILES, check

ALLOWED_DIR = Path(__file__).parent / "fidelity_allowed"
# Palier's own words about a source (its catalogue name and provenance note) are
# written by hand: an export does not say them, so the import leaves them out.
EDITORIAL_KEYS = {"source"}


def imported(referentiel_id: str, shape: str | None = None) -> dict[str, Any]:
    text = (SEEDS / SOURCE_FILES[referentiel_id]).read_text(encoding="utf-8")
    document = yaml.safe_load(import_text(text, referentiel_id, shape).to_yaml())
    assert isinstance(document, dict)
    return document


def shipped(referentiel_id: str) -> dict[str, Any]:
    document = yaml.safe_load((BUILTIN_DIR / f"{referentiel_id}.yaml").read_text("utf-8"))
    assert isinstance(document, dict)
    return document


def test_the_matrix_import_reproduces_the_shipped_account_executive() -> None:
    ours, theirs = imported("account-executive"), shipped("account-executive")
    assert {k: v for k, v in theirs.items() if k not in EDITORIAL_KEYS} == ours
    # Each level cell in its place, aspects and results split as the source writes them.
    closing = next(c for c in ours["competencies"] if c["id"] == "closing")
    assert closing["levels"]["intermediaire"]["aspects"][0]["name"] == (
        "Identification des parties prenantes"  # the one aspect the export left without '- '
    )
    assert ours["competencies"][0]["levels"]["junior"]["expected_result"] == (
        "Générer 15% de son propre pipeline"
    )


def test_the_matrix_shape_is_detected_and_can_be_forced() -> None:
    text = (SEEDS / SOURCE_FILES["account-executive"]).read_text(encoding="utf-8")
    assert import_text(text, "account-executive").report.shape == "matrix"
    assert import_text(text, "account-executive", "matrix").report.shape == "matrix"


def test_the_matrix_report_names_its_layout_decisions() -> None:
    text = (SEEDS / SOURCE_FILES["account-executive"]).read_text(encoding="utf-8")
    report = import_text(text, "account-executive").report
    assert [(n.key, n.row) for n in report.decisions] == [
        ("decision.descriptions_in_order", 5),  # descriptions under merged cells
        ("decision.split_at_capitals", 11),  # "Valeurs": a list the export flattened
        ("decision.split_at_capitals", 11),
        ("decision.split_at_capitals", 11),
    ]
    assert report.counts == [("", 5)]


@pytest.mark.parametrize("referentiel_id", ["account-executive"])
def test_imported_files_load_and_pass_the_fidelity_check(
    referentiel_id: str, tmp_path: Path
) -> None:
    text = (SEEDS / SOURCE_FILES[referentiel_id]).read_text(encoding="utf-8")
    target = tmp_path / f"{referentiel_id}.yaml"
    target.write_text(import_text(text, referentiel_id).to_yaml(), encoding="utf-8")
    assert load_file(target).id == referentiel_id
    report = check(referentiel_id, data_dir=tmp_path)
    assert report.not_found == []
    allowed = (ALLOWED_DIR / f"{referentiel_id}.txt").read_text(encoding="utf-8").splitlines()
    assert report.uncovered == allowed


@pytest.mark.parametrize(
    ("text", "shape", "problems"),
    [
        ("just a line\nand another\n", None, [("problem.unknown_shape", 1)]),
        (
            "\t\tNiveaux de la matrice\tJunior\tSenior\n"
            "\tNom de la compétence\tPartagée\tniveau Junior\tniveau Senior\n"
            "\tProspection\tNon\t<p>Niveau 1</p><p>- Suivi : fait</p>\t\n",
            None,
            [("problem.empty_level", 3)],
        ),
        ("\t\tNiveaux de la matrice\tJunior\tSenior\n", None, [("problem.no_header", 1)]),
        ("a\tb\n", "matrix", [("problem.no_levels", 1)]),
    ],
)
def test_an_unreadable_export_is_one_problem_per_row(
    text: str, shape: str | None, problems: list[tuple[str, int]]
) -> None:
    with pytest.raises(UnreadableSource) as raised:
        import_text(text, "x", shape)
    assert [(p.key, p.row) for p in raised.value.problems] == problems
