"""Importing real référentiels that are not among the seeds gives their structure, word for word.

``tests/data/referentiels_import`` holds two public référentiels of sales jobs laid
out like the certification seeds (see its README for their sources and the part
taken), each with the structure an import must give. They read differently from the
seeds: competencies numbered without a C ("1.11", "111."), a heading "C1 - animer",
lists written as ``<br/>`` lines, and conditions de réalisation row by row.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from referentiels.importers import import_file
from referentiels.importers.cells import cell_text, paragraphs, read_rows, structure
from referentiels.loader import parse
from tests.support.fidelity import check_document, quoted_strings

CASES = Path(__file__).parent / "data" / "referentiels_import"
NAMES = ["bac-pro-commerce-c1-animer", "bac-pro-vente-c1-prospecter"]
# The seeds' column headings, and the label of a bac pro's competency heading.
HEADINGS = {
    "REFERENTIEL D'ACTIVITES décrit les situations de travail et les activités exercées,"
    " les métiers ou emplois visés",
    "REFERENTIEL DE COMPETENCES identifie les compétences et les connaissances, y compris"
    " transversales, qui découlent du référentiel d'activités",
    "REFERENTIEL D'ÉVALUATION définit les critères et les modalités d'évaluation des acquis",
    "MODALITÉS D'ÉVALUATION",
    "CRITÈRES D'ÉVALUATION",
    "Compétence : C1",  # the label before the bloc's code, C1 itself being its code
}
_FLAT_ITEM = re.compile(r"(?:^|\s)-\s+")


def _source(name: str) -> str:
    return (CASES / f"{name}.txt").read_text(encoding="utf-8")


def _imported(name: str) -> tuple[str, dict[str, Any]]:
    data = (CASES / f"{name}.txt").read_bytes()
    text = import_file(data, f"{name}.txt", name, None, name).to_yaml()
    document = yaml.safe_load(text)
    assert isinstance(document, dict)
    return text, document


def _expected(name: str) -> dict[str, Any]:
    document = yaml.safe_load((CASES / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("name", NAMES)
def test_the_import_gives_the_expected_structure(name: str) -> None:
    _, ours = _imported(name)
    expected = _expected(name)
    assert ours["kind"] == "certification"
    assert ours["groups"] == expected["groups"]
    assert ours["evaluations"] == expected["evaluations"]


@pytest.mark.parametrize("name", NAMES)
def test_the_imported_file_passes_the_loader(name: str) -> None:
    text, _ = _imported(name)
    referentiel = parse(f"{name}.yaml", text)
    assert referentiel.id == name
    assert len(referentiel.competency_paths) == 7


@pytest.mark.parametrize("name", NAMES)
def test_every_imported_string_is_quoted_from_a_cell_of_the_source(name: str) -> None:
    """Word for word: each string is part of one cell's text once its HTML is removed."""
    cells = [cell_text(cell) for row in read_rows(_source(name)) for cell in row.cells]
    _, document = _imported(name)
    strings = [(path, text) for path, text in quoted_strings(document) if path != "title"]
    assert strings
    missing = [(p, t) for p, t in strings if not any(t in cell for cell in cells)]
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_the_import_leaves_nothing_of_the_source_out(name: str) -> None:
    """Every paragraph and list item of every cell is in the imported file, but the
    column headings; a code opening a paragraph ("1.11", "111.") is the competency's."""
    _, document = _imported(name)
    quoted = "\n".join(text for path, text in quoted_strings(document) if path != "title")
    left_out = []
    for row in read_rows(_source(name)):
        if row.page_break:
            continue
        for cell in row.cells:
            for paragraph in paragraphs(cell):
                for piece in (p.strip() for p in _FLAT_ITEM.split(paragraph)):
                    uncoded = piece.split(" ", 1)[-1]
                    if piece and piece not in quoted and uncoded not in quoted:
                        left_out.append(piece)
    assert [piece for piece in left_out if piece not in HEADINGS] == []


@pytest.mark.parametrize("name", NAMES)
def test_the_fidelity_check_finds_the_criteria_and_evaluations_in_the_source(name: str) -> None:
    """The shipped data's checker, on what it can follow: criteria and evaluations are
    one paragraph each (titles joining a savoir-faire's lines are checked per cell above)."""
    _, document = _imported(name)
    report = check_document(_source(name), {"evaluations": document["evaluations"]})
    assert report.not_found == []
    criteria = [
        {"criteria": c["criteria"]}
        for g in document["groups"]
        for a in g["groups"]
        for c in a["competencies"]
    ]
    assert check_document(_source(name), criteria).not_found == []


def test_the_vente_criteria_stay_with_their_savoir_faire() -> None:
    """Two criteria paragraphs beside two savoir-faire: the first for 111, the second
    for 112; the conditions cut by the page break are one evaluation, also 113's."""
    _, document = _imported("bac-pro-vente-c1-prospecter")
    activity = document["groups"][0]["groups"][0]
    by_id = {c["id"]: c for c in activity["competencies"]}
    assert by_id["111"]["criteria"][0]["text"].startswith("La recherche des sources")
    assert by_id["112"]["criteria"][0]["text"].startswith("Les fonctionnalités d'un logiciel")
    assert by_id["113"]["evaluations"] == by_id["111"]["evaluations"] == ["eval-1"]
    assert document["evaluations"][0]["content"][-1] == (
        "un logiciel approprié (gestion de clientèle, agenda électronique...)."
    )


def test_the_commerce_conditions_are_one_evaluation_per_row() -> None:
    _, document = _imported("bac-pro-commerce-c1-animer")
    competencies = document["groups"][0]["groups"][0]["competencies"]
    assert [c["evaluations"] for c in competencies] == [[f"eval-{n}"] for n in range(1, 8)]
    # Row 1.14's conditions and criteria continue after the page break.
    marchandisage = competencies[4]
    assert marchandisage["id"] == "1.14"
    assert len(marchandisage["criteria"]) == 4
    assert document["evaluations"][4]["content"][2] == "À partir"


def test_dashed_lines_cut_by_br_are_a_list_and_other_lines_paragraphs() -> None:
    blocks = structure("<p>Avec : <br/>- a, - b <br/>- c</p><p>Avec : <br/>un logiciel</p>")
    assert [(b.text, b.items) for b in blocks] == [
        ("Avec :", ()),
        ("", ("a,", "b", "c")),
        ("Avec :", ()),
        ("un logiciel", ()),
    ]
    # Without <br>, a paragraph opening with a dash stays a paragraph (the matrices' aspects).
    assert structure("<p>- Identification des comptes : x</p>")[0].text.startswith("- ")
