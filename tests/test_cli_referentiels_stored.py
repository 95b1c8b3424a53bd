"""The référentiels workspaces added, for the operator: ``palier referentiels list
--workspace T`` and ``show ID`` read them from the database; and Palier refuses to start
(``palier check``, ``palier run``) when a file of the installation has the id of one a
workspace added, naming the id and the workspace on one line — SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from handlers.cli import main
from storage.models import WorkspaceReferentiel
from tests.support.fidelity import SEEDS, SOURCE_FILES

MATRIX = SEEDS / SOURCE_FILES["account-executive"]
ADDED_AT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PALIER_DEFAULT_LOCALE", raising=False)
    monkeypatch.delenv("PALIER_REFERENTIELS_DIR", raising=False)


@pytest.fixture
def added(migrated_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspace T0ACME added « Account Executive » as ``ae-nord`` (at a fixed time)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    status, _, err = run(
        "referentiels", "import", str(MATRIX), "--id", "ae-nord", "--workspace", "T0ACME"
    )
    assert (status, err) == (0, "")
    with migrated_engine.begin() as connection:
        connection.execute(update(WorkspaceReferentiel).values(added_at=ADDED_AT))


@pytest.mark.usefixtures("added")
def test_list_with_a_workspace_adds_what_it_added() -> None:
    status, out, err = run("referentiels", "list", "--workspace", "T0ACME")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("identifiant")  # the installation's files first
    assert any(line.startswith("account-executive") for line in lines)
    at = lines.index(
        "1 référentiel ajouté par l'espace de travail T0ACME (identifiant, ajouté le, par) :"
    )
    assert lines[at + 1 :] == [
        f"{'ae-nord':<40} 2026-11-26 15:00 UTC  palier cli",
        "  Account Executive",
    ]
    status, out, _ = run("referentiels", "list", "--workspace", "T0OTHER")
    assert status == 0
    assert out.splitlines()[-1] == "Aucun référentiel ajouté par l'espace de travail T0OTHER."
    # Without --workspace: the installation's files only.
    assert "ae-nord" not in run("referentiels", "list")[1]


@pytest.mark.usefixtures("added")
def test_list_as_json_with_a_workspace() -> None:
    status, out, _ = run("referentiels", "list", "--workspace", "T0ACME", "--json")
    document = json.loads(out)
    assert status == 0
    assert "account-executive" in [row["id"] for row in document["installation"]]
    [entry] = document["workspace"]
    assert entry == {
        "id": "ae-nord",
        "title": "Account Executive",
        "platform": "slack",
        "workspace": "T0ACME",
        "source": MATRIX.name,
        "added_by": "palier cli",
        "added_at": "2026-11-26T15:00:00+00:00",
    }


@pytest.mark.usefixtures("added")
def test_show_finds_a_stored_referentiel() -> None:
    status, out, err = run("referentiels", "show", "ae-nord")
    assert (status, err) == (0, "")
    assert "Account Executive" in out and "Prospection" in out
    status, _, err = run("referentiels", "show", "nowhere")
    assert status == 1 and err.startswith("aucun référentiel « nowhere »")


def test_show_of_a_file_needs_no_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none' / 'palier.db'}")
    status, out, _ = run("referentiels", "show", "account-executive")
    assert status == 0 and "Account Executive" in out


@pytest.mark.usefixtures("added")
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_file_with_a_stored_id_stops_palier_naming_the_id_and_the_workspace(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    files = tmp_path / "referentiels"
    files.mkdir()
    status, _, _ = run(
        "referentiels", "import", str(MATRIX), "--id", "ae-nord", "--output", str(files)
    )
    assert status == 0 and (files / "ae-nord.yaml").exists()
    monkeypatch.setenv("PALIER_REFERENTIELS_DIR", str(files))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    status, out, err = run(command)
    assert (status, out) == (2, "")
    first, fix = err.splitlines()
    assert first == (
        "Le référentiel ae-nord d'un fichier de l'installation (PALIER_REFERENTIELS_DIR ou "
        "intégré) porte l'identifiant d'un référentiel ajouté par l'espace de travail T0ACME "
        "(slack) : le fichier l'emporterait sans bruit sur celui de l'espace de travail."
    )
    assert fix.startswith("Palier ne démarre pas : changez l'identifiant de ce fichier")


@pytest.mark.usefixtures("added")
def test_without_a_clash_check_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("check") == (0, "", "")
