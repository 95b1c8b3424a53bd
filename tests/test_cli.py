"""The ``palier`` command line, run in-process and as the installed console script."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.cli import main
from referentiels.models import Referentiel


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_list_json_gives_id_title_language_scale_and_count() -> None:
    status, out, _ = run("referentiels", "list", "--json")
    assert status == 0
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["account-executive"] == {
        "id": "account-executive",
        "title": "Account Executive",
        "kind": "matrix",
        "language": "fr",
        "scale": ["Junior", "Intermédiaire", "Senior"],
        "scale_origin": "referentiel",
        "competencies": 5,
    }
    assert rows["manager-equipe-vendeurs-b2b"]["competencies"] == 17
    assert rows["business-developer"]["scale_origin"] == "palier"


def test_list_text_has_one_line_per_referentiel() -> None:
    status, out, _ = run("referentiels", "list")
    assert status == 0
    assert "Junior / Intermédiaire / Senior" in out
    assert out.count("Non acquis / En cours d'acquisition / Acquis / Maîtrisé") == 4


def test_show_json_is_the_validated_model() -> None:
    status, out, _ = run("referentiels", "show", "manager-grands-comptes", "--json")
    assert status == 0
    referentiel = Referentiel.model_validate_json(out)
    assert referentiel.id == "manager-grands-comptes" and len(referentiel.all_competencies()) == 18


def test_show_text_quotes_the_referentiel() -> None:
    status, out, _ = run("referentiels", "show", "account-executive")
    assert status == 0
    assert "Générer 25% de son propre pipeline" in out
    assert "Résultat attendu : Générer 15% de son propre pipeline" in out


def test_show_unknown_id_is_one_line_and_exit_1() -> None:
    status, out, err = run("referentiels", "show", "nope")
    assert status == 1 and out == ""
    assert err.startswith("aucun référentiel « nope » (disponibles : account-executive, ")
    assert err.count("\n") == 1


def test_validate_builtin_directory() -> None:
    from referentiels.loader import BUILTIN_DIR

    status, out, _ = run("referentiels", "validate", str(BUILTIN_DIR))
    assert (status, out) == (0, "5 fichiers valides\n")


def test_validate_missing_path(tmp_path: Path) -> None:
    status, _, err = run("referentiels", "validate", str(tmp_path / "nope.yaml"))
    assert status == 1 and "fichier ou dossier introuvable" in err


def test_bad_setting_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_TIMEZONE", "Mars/Olympus")
    status, out, err = run("referentiels", "list")
    assert (status, out) == (2, "")
    assert err == (
        "PALIER_DEFAULT_TIMEZONE : un fuseau horaire IANA est attendu "
        "(par exemple Europe/Paris) (valeur reçue : Mars/Olympus)\n"
    )


def test_english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    status, _, err = run("referentiels", "show", "nope")
    assert status == 1 and err.startswith("no référentiel 'nope' (available: ")


def test_console_script_is_installed() -> None:
    # The entry point of pyproject.toml, as the README runs it.
    script = Path(sys.executable).with_name("palier")
    result = subprocess.run(
        [str(script), "referentiels", "list", "--json"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 5
