"""The fidelity checker catches what it is there to catch."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.support.fidelity import check, fragments, locate


def _write(directory: Path, document: dict[str, object]) -> Path:
    path = directory / f"{document['id']}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return directory


def test_an_invented_or_altered_sentence_is_reported(tmp_path: Path) -> None:
    real = "Chaque bloc constitutif de la certification peut aussi être validé de manière autonome."
    document = {
        "id": "manager-grands-comptes",
        "title": "x",
        "validation": [real, real.replace("autonome", "indépendante"), "Inventé."],
    }
    report = check("manager-grands-comptes", _write(tmp_path, document))
    assert [path for path, _ in report.not_found] == ["validation[1]", "validation[2]"]


def test_a_cell_split_by_a_page_break_is_accepted_joined(tmp_path: Path) -> None:
    joined = (
        "Le candidat est mis en situation de leadership (résolution de problème, prise de "
        "décision sous tension, organisation du travail en équipe, etc.) avec son groupe."
    )
    frags = fragments((Path(__file__).parent / "seeds" / "002_9498ff3de11fed08.txt").read_text())
    assert locate(joined, frags) is not None
    # …but two unrelated pieces glued together are not.
    assert locate("Le candidat est mis en situation de leadership Pour viser", frags) is None


def test_leaving_content_out_shows_up_as_uncovered(tmp_path: Path) -> None:
    document = {"id": "account-executive", "title": "x", "competencies": [{"title": "Prospection"}]}
    report = check("account-executive", _write(tmp_path, document))
    assert any("Générer 15% de son propre pipeline" in run for run in report.uncovered)
