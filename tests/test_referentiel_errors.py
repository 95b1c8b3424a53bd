"""Broken référentiel files: each gives one clear line naming the file and the place."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from bot.i18n import Translator
from bot.i18n.referentiel_text import render_problem
from handlers.cli import main
from referentiels.loader import (
    BUILTIN_DIR,
    MAX_DEPTH,
    ReferentielCatalog,
    ReferentielError,
    load_file,
)

EN = Translator("en")


def _valid_matrix() -> dict[str, object]:
    def cell(text: str) -> dict[str, object]:
        return {"aspects": [{"name": "Aspect", "text": text}]}

    return {
        "id": "my-matrix",
        "title": "My matrix",
        "kind": "matrix",
        "scale": {
            "origin": "referentiel",
            "levels": [{"id": "junior", "label": "Junior"}, {"id": "senior", "label": "Senior"}],
        },
        "competencies": [
            {
                "id": f"c{n}",
                "title": f"Competency {n}",
                "levels": {"junior": cell("a"), "senior": cell("b")},
            }
            for n in range(3)
        ],
    }


def _messages(tmp_path: Path, document: object, name: str = "my-matrix.yaml") -> list[str]:
    path = tmp_path / name
    text = document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReferentielError) as caught:
        load_file(path)
    return [render_problem(problem, EN) for problem in caught.value.problems]


def test_the_valid_example_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "my-matrix.yaml"
    path.write_text(yaml.safe_dump(_valid_matrix()), encoding="utf-8")
    assert load_file(path).id == "my-matrix"


def test_a_level_that_is_not_on_the_scale(tmp_path: Path) -> None:
    document = _valid_matrix()
    document["competencies"][2]["levels"]["expert"] = {"aspects": [{"text": "x"}]}  # type: ignore[index]
    assert _messages(tmp_path, document) == [
        "my-matrix.yaml: competencies[2].levels.expert: "
        "'expert' is not a level of this référentiel's scale (junior, senior)"
    ]


def test_a_missing_level_cell(tmp_path: Path) -> None:
    document = _valid_matrix()
    del document["competencies"][1]["levels"]["senior"]  # type: ignore[index]
    assert _messages(tmp_path, document) == [
        "my-matrix.yaml: competencies[1].levels: no description for the level 'senior'"
    ]


def test_an_unknown_field_and_a_missing_one(tmp_path: Path) -> None:
    document = _valid_matrix()
    document["competencies"][0]["titel"] = "typo"  # type: ignore[index]
    del document["title"]
    messages = _messages(tmp_path, document)
    assert "my-matrix.yaml: title: the field 'title' is required" in messages
    assert "my-matrix.yaml: competencies[0].titel: 'titel' is not a known field here" in messages


def test_duplicate_competency_ids_and_codes(tmp_path: Path) -> None:
    document = _valid_matrix()
    competencies = document["competencies"]
    competencies[1]["id"] = "c0"  # type: ignore[index]
    competencies[0]["code"] = competencies[2]["code"] = "C1"  # type: ignore[index]
    assert _messages(tmp_path, document) == [
        "my-matrix.yaml: competencies[1].id: the id 'c0' is already used (competencies[0])",
        "my-matrix.yaml: competencies[2].code: the code 'C1' is already used (competencies[0])",
    ]


def test_duplicate_criterion_codes_and_unknown_evaluation(tmp_path: Path) -> None:
    source = yaml.safe_load((BUILTIN_DIR / "responsable-developpement-commercial.yaml").read_text())
    activity = source["groups"][0]["groups"][0]
    activity["competencies"][1]["criteria"][0]["code"] = "CR1.1.1"
    activity["competencies"][1]["evaluations"] = ["e9"]
    messages = _messages(tmp_path, source, "responsable-developpement-commercial.yaml")
    assert messages == [
        "responsable-developpement-commercial.yaml: groups[0].groups[0].competencies[1]"
        ".criteria[0].code: the code 'CR1.1.1' is already used "
        "(groups[0].groups[0].competencies[0].criteria[0].code)",
        "responsable-developpement-commercial.yaml: groups[0].groups[0].competencies[1]"
        ".evaluations[0]: 'e9' is not an evaluation modality of this référentiel",
    ]


def test_palier_scale_cannot_be_altered(tmp_path: Path) -> None:
    source = yaml.safe_load((BUILTIN_DIR / "business-developer.yaml").read_text())
    source["scale"]["levels"][0]["label"] = "Débutant"
    assert _messages(tmp_path, source, "business-developer.yaml") == [
        "business-developer.yaml: scale: Palier's progression scale must be copied as it is"
    ]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = "id: my-matrix\ntitle: [unclosed\nkind: matrix\n"
    [message] = _messages(tmp_path, text)
    assert message.startswith("my-matrix.yaml: line 3, column 5: unreadable YAML:")


def test_id_must_be_the_file_name_and_a_list_is_not_a_referentiel(tmp_path: Path) -> None:
    assert _messages(tmp_path, _valid_matrix(), "other.yaml") == [
        "other.yaml: id: the id 'my-matrix' must be the file's name ('other')"
    ]
    assert _messages(tmp_path, "- a\n- b\n") == [
        "my-matrix.yaml: the file must describe a référentiel (a set of fields)"
    ]


def test_wrong_kind_value(tmp_path: Path) -> None:
    document = _valid_matrix()
    document["kind"] = "grid"
    assert _messages(tmp_path, document) == [
        "my-matrix.yaml: kind: value not allowed (expected: 'matrix' or 'certification')"
    ]


def test_messages_are_french_by_default(tmp_path: Path) -> None:
    document = _valid_matrix()
    document["competencies"][2]["levels"]["expert"] = {"aspects": [{"text": "x"}]}  # type: ignore[index]
    path = tmp_path / "my-matrix.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    err = io.StringIO()
    assert main(["referentiels", "validate", str(path)], out=io.StringIO(), err=err) == 1
    assert err.getvalue() == (
        "my-matrix.yaml: competencies[2].levels.expert: « expert » n'est pas un niveau de "
        "l'échelle de ce référentiel (junior, senior)\n"
    )


def test_operator_directory_is_loaded_beside_the_builtin_ones(tmp_path: Path) -> None:
    (tmp_path / "my-matrix.yaml").write_text(yaml.safe_dump(_valid_matrix()), encoding="utf-8")
    catalog = ReferentielCatalog.load(tmp_path)
    assert "my-matrix" in catalog and "account-executive" in catalog and len(catalog) == 6


def test_an_operator_file_cannot_shadow_a_builtin_id(tmp_path: Path) -> None:
    document = _valid_matrix()
    document["id"] = "account-executive"
    (tmp_path / "account-executive.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(ReferentielError) as caught:
        ReferentielCatalog.load(tmp_path)
    [problem] = caught.value.problems
    assert render_problem(problem, EN).startswith(
        "account-executive.yaml: id: the référentiel 'account-executive' is already defined by "
    )


def test_a_file_nested_too_deep_is_one_line(tmp_path: Path) -> None:
    # 20,000 nested lists: PyYAML's composer recursed until RecursionError.
    [message] = _messages(tmp_path, "id: my-matrix\ntitle: " + "[" * 20_000 + "]" * 20_000)
    assert message == (
        f"my-matrix.yaml: line 2, column {MAX_DEPTH + 7}: "
        f"the data is nested too deep (at most {MAX_DEPTH} levels)"
    )


def test_yaml_aliases_are_refused_in_one_line(tmp_path: Path) -> None:
    # A few nested aliases ("billion laughs") expand past any file size limit once built.
    laughs = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    [message] = _messages(tmp_path, "id: my-matrix\n" + "\n".join(laughs))
    assert message == (
        "my-matrix.yaml: line 3, column 10: "
        "YAML aliases (*name) are not accepted in a référentiel: write the text out in full"
    )


def test_an_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "my-matrix.yaml"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # 50 MB, sparse: nothing to parse for 100 s
    with pytest.raises(ReferentielError) as caught:
        load_file(path)
    assert [render_problem(problem, EN) for problem in caught.value.problems] == [
        "my-matrix.yaml: the file is too large (at most 2 MB)"
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 20_000 + "]" * 20_000, "imbriquées trop profondément (au plus 64 niveaux)"),
        (None, "fichier trop volumineux (au plus 2 Mo)"),
    ],
)
def test_validate_refuses_a_deep_or_large_file_in_one_line(
    tmp_path: Path, text: str | None, line: str
) -> None:
    path = tmp_path / "huge.yaml"
    if text is None:
        with path.open("wb") as file:
            file.truncate(50 * 1024 * 1024)
    else:
        path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["referentiels", "validate", str(path)], out=out, err=err) == 1
    assert err.getvalue().startswith("huge.yaml: ") and line in err.getvalue()
    assert err.getvalue().count("\n") == 1 and out.getvalue() == ""


def test_a_character_yaml_refuses_is_one_line(tmp_path: Path) -> None:
    assert _messages(tmp_path, "id: my-matrix\x00\n") == [
        "my-matrix.yaml: unreadable YAML: unacceptable character #x0000: "
        "special characters are not allowed"
    ]
