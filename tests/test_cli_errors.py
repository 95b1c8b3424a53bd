"""What goes wrong around the command line: one line on standard error, a non-zero
exit status, never a traceback — for the database, the settings, files and dates.

Run through the real entry point (``handlers.cli.main``), or the installed
console script where the environment and the ``.env`` file are the point.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.cli import Cli, main
from storage import migrate
from storage.db import make_engine

UNREACHABLE = "postgresql://palier:secret@127.0.0.1:1/palier"  # nothing listens on port 1


def palier(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def assert_one_line(err: str) -> None:
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err


@pytest.fixture
def slack_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")


@pytest.fixture
def migrated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'palier.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


# -- the database ---------------------------------------------------------------------


@pytest.mark.usefixtures("slack_settings")
@pytest.mark.parametrize("command", ["check", "tick", "export", "run"])
def test_an_unreachable_database_is_one_line(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    status, out, err = palier(command)
    assert (status, out) == (1, "")
    assert_one_line(err)
    # The URL names the database without its password.
    assert err.startswith(
        "base de données injoignable (postgresql://palier:***@127.0.0.1:1/palier) : "
    )


@pytest.mark.usefixtures("slack_settings")
@pytest.mark.parametrize("command", ["check", "tick", "export"])
def test_a_missing_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-dir' / 'palier.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    status, out, err = palier(command)
    assert (status, out) == (1, "")
    assert_one_line(err)
    assert err == f"base de données injoignable ({url}) : unable to open database file\n"


def test_the_database_line_is_english_with_the_english_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PALIER_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    status, _, err = palier("check")
    assert status == 1 and err.startswith("database unreachable (postgresql://palier:***@")
    assert_one_line(err)


@pytest.mark.parametrize("revision", ["zzzz", "9999"])
def test_downgrade_to_an_unknown_revision_is_one_line(migrated: str, revision: str) -> None:
    head = migrate.head_revision()
    status, out, err = palier("db", "downgrade", revision)
    assert (status, out) == (2, "")
    assert_one_line(err)
    assert err.startswith(
        f"db downgrade {revision} : révision inconnue, ou qui n'est pas antérieure "
        f"à la révision actuelle ({head}) ; révisions : base, 0001, "
    )
    engine = make_engine(migrated)
    assert migrate.current_revision(engine) == head  # nothing changed
    engine.dispose()


# -- files and dates --------------------------------------------------------------------


def test_export_to_a_missing_directory_is_one_line(migrated: str, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "ratings.csv"
    status, out, err = palier("export", "--output", str(target))
    assert (status, out) == (1, "")
    assert_one_line(err)
    assert err.startswith(f"{target} : impossible d'écrire ce fichier (")
    assert not target.parent.exists()


@pytest.mark.parametrize("now", ["9999-12-31T23:59+00:00", "0001-01-01T00:00+00:00"])
def test_tick_now_out_of_range_is_one_line(now: str) -> None:
    status, out, err = palier("tick", "--now", now)
    assert (status, out) == (2, "")
    assert err == f"--now : une date entre 1970 et 9998 est attendue (reçu : {now})\n"


# -- settings ---------------------------------------------------------------------------


def test_an_unknown_log_level_stops_run_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "VERBOSE")
    status, out, err = palier("run")
    assert (status, out) == (2, "")
    assert err == (
        "LOG_LEVEL : DEBUG, INFO, WARNING, ERROR ou CRITICAL est attendu (valeur reçue : VERBOSE)\n"
    )


def console(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed ``palier`` script, run in ``tmp_path`` (where its .env is read)."""
    script = Path(sys.executable).with_name("palier")
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PALIER_", "SLACK_", "DATABASE_", "LOG_"))
    }
    return subprocess.run(
        [str(script), *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**environ, **env},
    )


def test_a_dotenv_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("# Réglages de Palier\nLOG_LEVEL=INFO\n".encode("latin-1"))
    result = console(tmp_path, "referentiels", "list")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ".env : ce fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8\n"


@pytest.mark.parametrize("value", ["U0123ABCD,U0456EFGH", "U0123ABCD", ""])
def test_admin_user_ids_as_env_example_writes_them(tmp_path: Path, value: str) -> None:
    (tmp_path / ".env").write_text(f"PALIER_ADMIN_USER_IDS={value}\n", encoding="utf-8")
    result = console(tmp_path, "referentiels", "list", "--json")
    assert (result.returncode, result.stderr) == (0, "")
    (tmp_path / ".env").unlink()
    result = console(tmp_path, "referentiels", "list", "--json", PALIER_ADMIN_USER_IDS=value)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("command", ["tick", "run"])
def test_tick_and_run_with_the_token_in_the_environment_say_one_line(
    tmp_path: Path, command: str
) -> None:
    # Bolt reads SLACK_BOT_TOKEN from the environment itself, and warned on every
    # start that the client Palier gives it wins: a second line on standard error.
    result = console(
        tmp_path,
        command,
        DATABASE_URL=UNREACHABLE,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="secret",
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("base de données injoignable (")
    assert_one_line(result.stderr)


# -- a real bug -------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_saying_it_is_a_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: Cli, as_json: bool) -> int:
        raise KeyError("boom")

    monkeypatch.setattr(Cli, "referentiels_list", broken)
    status, out, err = palier("referentiels", "list")
    assert (status, out) == (1, "")
    assert err == (
        "erreur inattendue (KeyError: 'boom') : c'est un défaut de Palier, à signaler ; "
        "LOG_LEVEL=DEBUG en affiche la trace\n"
    )
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    status, _, err = palier("referentiels", "list")
    assert status == 1 and err.startswith("Traceback (most recent call last):")
    assert err.endswith("LOG_LEVEL=DEBUG en affiche la trace\n")
