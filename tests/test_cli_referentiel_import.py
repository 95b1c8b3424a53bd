"""``palier referentiels import``: the file written, the review report, and refusals, fr+en."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from handlers.cli import main
from referentiels.loader import load_file
from storage.models import WorkspaceReferentiel
from tests.support.fidelity import SEEDS, SOURCE_FILES

MATRIX = SEEDS / SOURCE_FILES["account-executive"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PALIER_DEFAULT_LOCALE", raising=False)
    monkeypatch.delenv("PALIER_REFERENTIELS_DIR", raising=False)


def test_import_writes_a_file_the_loader_validates_and_prints_the_report(tmp_path: Path) -> None:
    status, out, err = run(
        "referentiels", "import", str(MATRIX), "--id", "ae", "--output", str(tmp_path)
    )
    assert (status, err) == (0, "")
    assert load_file(tmp_path / "ae.yaml").title == "Account Executive"
    lines = out.splitlines()
    assert lines[0] == (
        f"{tmp_path / 'ae.yaml'} écrit : « Account Executive » (matrice de compétences), "
        "5 compétences."
    )
    assert lines[1] == "  hors bloc : 5 compétences"
    assert lines[2] == "4 décisions de mise en page à vérifier dans la source :"
    assert lines[3].startswith("  ligne 5 : les descriptions des niveaux ne sont pas")
    assert lines[4] == (
        "  ligne 11 : niveau « Junior », une liste sans tirets : découpée en 4 éléments, "
        "à chaque majuscule qui suit un mot en minuscules"
    )


def test_import_in_english_into_the_referentiels_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("PALIER_REFERENTIELS_DIR", str(tmp_path))
    status, out, _ = run("referentiels", "import", str(MATRIX), "--id", "ae", "--shape", "matrix")
    assert status == 0
    assert out.splitlines()[:3] == [
        f"Wrote {tmp_path / 'ae.yaml'}: “Account Executive” (skills matrix), 5 competencies.",
        "  outside any bloc: 5 competencies",
        "4 layout decisions to check against the source:",
    ]
    assert "  line 11: level “Senior”, a list without dashes: split into 4 items" in out


def test_import_defaults_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, _ = run("referentiels", "import", str(MATRIX), "--id", "ae")
    assert status == 0 and (tmp_path / "ae.yaml").is_file()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "fr",
            ["{file}, ligne 3 : la cellule du niveau « Senior » est vide", "Rien n'a été écrit."],
        ),
        (
            "en",
            ["{file}, line 3: the cell for the level “Senior” is empty", "Nothing was written."],
        ),
    ],
)
def test_an_unreadable_export_gives_one_line_per_problem_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str, expected: list[str]
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", locale)
    source = tmp_path / "export.tsv"
    source.write_text(
        "\t\tNiveaux de la matrice\tJunior\tSenior\n"
        "\tNom de la compétence\tPartagée\tniveau Junior\tniveau Senior\n"
        "\tProspection\tNon\t<p>Niveau 1</p><p>- Suivi : fait</p>\t\n",
        encoding="utf-8",
    )
    status, out, err = run(
        "referentiels", "import", str(source), "--id", "x", "--output", str(tmp_path)
    )
    assert (status, out) == (1, "")
    assert err.splitlines() == [line.format(file=source) for line in expected]
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    ("locale", "argv", "expected"),
    [
        ("fr", ["--id", "a b"], "« a b » n'est pas un identifiant valide"),
        ("en", ["--id", "a b"], "“a b” is not a valid id"),
        (
            "fr",
            ["--id", "ae", "--output", "/nonexistent/dir"],
            "/nonexistent/dir : dossier introuvable",
        ),
        (
            "en",
            ["--id", "ae", "--output", "/nonexistent/dir"],
            "/nonexistent/dir: no such directory",
        ),
    ],
)
def test_a_bad_id_or_directory_is_one_line(
    monkeypatch: pytest.MonkeyPatch, locale: str, argv: list[str], expected: str
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", locale)
    status, out, err = run("referentiels", "import", str(MATRIX), *argv)
    assert (status, out) == (1, "")
    assert err.startswith(expected) and len(err.splitlines()) == 1


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "ae.yaml"
    target.write_text("kept", encoding="utf-8")
    status, _, err = run(
        "referentiels", "import", str(MATRIX), "--id", "ae", "--output", str(tmp_path)
    )
    assert status == 1 and err == f"{target} existe déjà : ajoutez --force pour le remplacer\n"
    assert target.read_text(encoding="utf-8") == "kept"
    status, _, _ = run(
        "referentiels", "import", str(MATRIX), "--id", "ae", "--output", str(tmp_path), "--force"
    )
    assert status == 0 and load_file(target).id == "ae"


def test_a_missing_or_non_utf8_file_is_one_line(tmp_path: Path) -> None:
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("Compétence".encode("latin-1"))
    status, _, err = run(
        "referentiels", "import", str(latin), "--id", "x", "--output", str(tmp_path)
    )
    assert status == 1 and err.startswith(
        f"{latin}, ligne 1 : le fichier n'est pas encodé en UTF-8"
    )
    assert not (tmp_path / "x.yaml").exists()
    status, _, err = run("referentiels", "import", str(tmp_path / "no.tsv"), "--id", "x")
    assert status == 1 and err == f"{tmp_path / 'no.tsv'} : fichier introuvable\n"


def test_a_certification_import_counts_per_bloc_and_takes_a_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    source = SEEDS / SOURCE_FILES["manager-equipe-vendeurs-b2b"]
    status, out, err = run(
        "referentiels",
        "import",
        str(source),
        "--id",
        "b2b",
        "--output",
        str(tmp_path),
        "--title",
        "Manager d'équipe de vendeurs B to B",
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        f"Wrote {tmp_path / 'b2b.yaml'}: “Manager d'équipe de vendeurs B to B” "
        "(certification référentiel), 17 competencies."
    )
    assert lines[1].startswith("  Bloc de compétences 1 : Piloter l'activité") and lines[
        1
    ].endswith(": 6 competencies")
    assert "10 layout decisions to check against the source:" in lines
    assert "  line 20: 3 list items repeated after a page break: kept once" in lines
    assert (
        "  line 12: no criteria for C1.4 (merged cell): those of the activity's previous competency were copied"
        in lines
    )
    assert load_file(tmp_path / "b2b.yaml").title == "Manager d'équipe de vendeurs B to B"


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("referentiel_id", sorted(SOURCE_FILES))
def test_every_source_imports_and_its_whole_report_is_worded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str, referentiel_id: str
) -> None:
    # Every decision the five sources call for has its words in both catalogs. (Under
    # another id than the built-in one each source is shipped as: that one is taken.)
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", locale)
    source = SEEDS / SOURCE_FILES[referentiel_id]
    new_id = f"ours-{referentiel_id}"
    status, out, err = run(
        "referentiels", "import", str(source), "--id", new_id, "--output", str(tmp_path)
    )
    assert (status, err) == (0, "")
    assert load_file(tmp_path / f"{new_id}.yaml").id == new_id
    line = "  ligne " if locale == "fr" else "  line "
    decisions = [text for text in out.splitlines() if text.startswith(line)]
    assert decisions and all("{" not in text for text in decisions)


def test_import_into_a_workspace_stores_it_in_the_database_once(
    migrated_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    status, out, err = run(
        "referentiels", "import", str(MATRIX), "--id", "ae-nord", "--workspace", "T0ACME"
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        "« Account Executive » (matrice de compétences, 5 compétences) ajouté à l'espace de "
        "travail T0ACME sous l'identifiant ae-nord : ses administrateurs peuvent y inscrire "
        "des personnes."
    )
    assert lines[1] == "  hors bloc : 5 compétences"
    with migrated_engine.connect() as connection:
        rows = list(connection.execute(select(WorkspaceReferentiel)))
    assert [(r.referentiel_id, r.added_by) for r in rows] == [("ae-nord", "palier cli")]
    # Never replaced; a built-in id neither.
    for taken in ("ae-nord", "account-executive"):
        status, out, err = run(
            "referentiels", "import", str(MATRIX), "--id", taken, "--workspace", "T0ACME"
        )
        assert status == 1 and out == ""
        assert err.startswith(f"L'identifiant {taken} est déjà celui d'un référentiel")
    assert not list(Path().glob("*.yaml"))  # no file written
