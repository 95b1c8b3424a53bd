"""The Slack commands of the CLI: tick, run and demo — settings problems and real runs.

The date is fixed once, by the emulator's :class:`ManualClock`, for everything a test
starts: the CLI commands (``main(clock=…)``), the Bolt app it serves and the
emulator; the suite passes whatever the system date.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.people import ensure_tenant, upsert_person
from bot.settings import load_settings
from emulators.slack import BoltAppServer, ManualClock, SlackDriver, SlackEmulator
from emulators.slack.listeners import ListenerExecutor
from handlers.cli import main
from handlers.slack.app import build_app
from handlers.slack.profiles import to_profile
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Platform

THURSDAY = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 16:00 in Paris, week 48

Palier = Callable[..., tuple[int, str, str]]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(THURSDAY.timestamp())


def _now(clock: ManualClock) -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(clock(), UTC)


@pytest.fixture
def palier(clock: ManualClock) -> Palier:
    """``palier ARGS…`` on the test's clock: (status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        status = main(list(args), out=out, err=err, clock=_now(clock))
        return status, out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def served(slack: SlackEmulator, clock: ManualClock) -> Iterator[SlackDriver]:
    """The Palier the settings describe, on the test's clock, served to a driver."""
    listeners = ListenerExecutor()
    slack.watch(listeners)
    palier_app = build_app(
        load_settings(env_file=None), clock=_now(clock), listener_executor=listeners
    )
    try:
        with BoltAppServer(palier_app.bolt) as server:
            yield SlackDriver(server.url, "secret", slack)
    finally:
        listeners.shutdown(wait=True)
        palier_app.close()


@pytest.fixture
def slack(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: ManualClock
) -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=clock) as emulator:
        emulator.add_user("U0ALICE", "alice", "Alice Martin", "alice@example.fr")
        url = f"sqlite:///{tmp_path / 'palier.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            tenant = ensure_tenant(session, Platform.SLACK, "T0PALIER", "Palier Demo")
            user = emulator.user("U0ALICE").to_api(0, include_locale=True)
            person, _ = upsert_person(session, tenant, to_profile(user))
            person.referentiel_id = "account-executive"
        engine.dispose()
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", emulator.bot_token)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
        monkeypatch.setenv("SLACK_API_URL", emulator.api_url)
        yield emulator


def test_tick_sends_what_is_due_at_the_given_instant(slack: SlackEmulator, palier: Palier) -> None:
    status, out, err = palier("tick", "--now", "2026-11-26T15:59+01:00")
    assert (status, err) == (0, "")
    assert out == "1 check-in planifié, 0 envoyé, 0 rappel, 0 manqué, 0 échec\n"
    status, out, _ = palier("tick", "--now", "2026-11-26T16:00+01:00")
    assert status == 0 and "1 envoyé," in out
    assert len(slack.dm_messages("U0ALICE")) == 1
    assert palier("tick", "--now", "2026-11-26T16:01+01:00")[1].startswith(
        "0 check-in planifié, 0 envoyé"
    )


@pytest.mark.parametrize(
    ("value", "line"),
    [
        (
            "jeudi",
            "--now : une date ISO 8601 est attendue, par exemple 2026-11-26T16:00+01:00 (reçu : jeudi)\n",
        ),
        (
            "2026-11-26T16:00",
            "--now : précisez le fuseau, par exemple 2026-11-26T16:00+01:00 (reçu : 2026-11-26T16:00)\n",
        ),
    ],
)
def test_tick_refuses_a_bad_instant_in_one_line(
    slack: SlackEmulator, palier: Palier, value: str, line: str
) -> None:
    assert palier("tick", "--now", value) == (2, "", line)
    assert slack.dm_messages("U0ALICE") == []


@pytest.mark.parametrize("command", [["tick"], ["run"]])
def test_slack_commands_name_the_missing_setting(
    command: list[str], monkeypatch: pytest.MonkeyPatch, palier: Palier
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    status, out, err = palier(*command)
    assert (status, out) == (2, "")
    assert err == (
        "SLACK_BOT_TOKEN : ce réglage est nécessaire pour se connecter à Slack (voir .env.example)\n"
    )


def test_demo_runs_a_week_and_ends_with_summaries(palier: Palier) -> None:
    status, out, err = palier("demo", "--weeks", "1")
    assert (status, err) == (0, "")
    assert out.count("Votre progression — Account Executive") >= 2
    assert "Your progress — Account Executive" in out  # Emma's Slack is in English


def test_enrol_by_csv_then_tick_then_check_in(
    slack: SlackEmulator, palier: Palier, clock: ManualClock, served: SlackDriver, tmp_path: Path
) -> None:
    """The operator's whole path: import a CSV, tick at the person's local time, and the
    person can open the check-in from the DM (through a Bolt app served over HTTP).
    Without ``--now`` the tick is at the clock's time, the app's and the emulator's."""
    slack.add_user(
        "U0BOB", "bob", "Bob Stone", "bob@example.com", tz="America/New_York", locale="en-US"
    )
    csv = tmp_path / "people.csv"
    csv.write_text(
        "email,role,manager_email,referentiel\nbob@example.com,member,,account-executive\n"
    )
    status, out, err = palier("people", "import", str(csv))
    enrolled = "Inscriptions : 1 personne inscrite, 0 déjà inscrite ; 0 ligne en erreur\n"
    created = "Personnes : 1 créée, 0 mise à jour, 0 inchangée\n"
    assert (status, out, err) == (0, created + enrolled, "")
    again = palier("people", "import", str(csv))
    already = "Inscriptions : 0 personne inscrite, 1 déjà inscrite ; 0 ligne en erreur\n"
    assert again == (0, "Personnes : 0 créée, 0 mise à jour, 1 inchangée\n" + already, "")
    clock.set(datetime.fromisoformat("2026-11-26T16:00-05:00").timestamp())
    status, out, _ = palier("tick")
    assert status == 0 and "2 envoyés," in out  # Bob now; Alice (16:00 in Paris) too
    # Imported, Bob is welcomed once, in English, just before his first check-in.
    welcome, prompt = slack.dm_messages("U0BOB")
    assert "Welcome to Palier" in (welcome.text or "")
    assert "comes in a moment, right after this message" in str(welcome.blocks)
    palier("tick")
    assert len(slack.dm_messages("U0BOB")) == 2
    assert "Start my check-in" in SlackDriver.button_labels(prompt)
    assert served.click("U0BOB", prompt, text="Start my check-in").ok
    modal = served.modal("U0BOB")
    assert modal is not None and modal.title == "Check-in week 48"


def _rated(slack: SlackEmulator, palier: Palier, driver: SlackDriver) -> None:
    """Alice has one check-in stored (five ratings): ticked and checked in at the clock's time."""
    assert "1 envoyé," in palier("tick")[1]
    driver.click("U0ALICE", slack.dm_messages("U0ALICE")[-1], action_id="checkin_start")
    modal = driver.modal("U0ALICE")
    assert modal is not None
    levels = {
        b["block_id"]: "Junior" for b in modal.blocks if b.get("block_id", "").startswith("level:")
    }
    assert driver.submit_view("U0ALICE", modal, levels).outcome == "close"
    slack.settle()
    assert len(slack.dm_messages("U0ALICE")) == 2  # the prompt, then the summary


def test_export_writes_one_row_per_rating(
    slack: SlackEmulator, palier: Palier, served: SlackDriver, tmp_path: Path
) -> None:
    _rated(slack, palier, served)
    status, out, err = palier("export", "--format", "csv")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    # As French Excel opens it: a BOM, semicolons, the header in French.
    assert lines[0].startswith("\ufeffType;Espace de travail;Personne;E-mail;Référentiel;Code")
    assert len(lines) == 6
    assert all(";junior;Junior;la personne elle-même;" in line for line in lines[1:])
    target = tmp_path / "export.csv"
    status, out, err = palier("export", "--output", str(target), "--workspace", "T0OTHER")
    assert (status, out) == (0, "") and err == f"{target} : 0 ligne écrite\n"
    # A workbook goes to a file, never to a terminal.
    assert palier("export", "--format", "xlsx") == (
        2,
        "",
        "--format xlsx écrit un classeur Excel : précisez le fichier avec --output\n",
    )
    book = tmp_path / "export.xlsx"
    status, out, err = palier("export", "--format", "xlsx", "--output", str(book))
    assert (status, out, err) == (0, "", f"{book} : 5 lignes écrites\n")
    assert book.read_bytes().startswith(b"PK")
    with pytest.raises(SystemExit) as refused:  # argparse: one usage line, status 2
        palier("export", "--format", "ods")
    assert refused.value.code == 2


def test_privacy_on_the_command_line(
    slack: SlackEmulator, palier: Palier, served: SlackDriver
) -> None:
    _rated(slack, palier, served)
    status, out, _ = palier("privacy", "export", "--workspace", "T0PALIER", "--user", "U0ALICE")
    assert status == 0 and '"display_name": "Alice Martin"' in out and out.count('"rater"') == 5
    status, out, _ = palier(
        "privacy", "export", "--workspace", "T0PALIER", "--user", "U0ALICE", "--summary"
    )
    assert status == 0 and out.startswith("Vos données dans Palier") and "Évaluations (5)" in out
    assert palier("privacy", "delete", "--workspace", "T0PALIER", "--user", "U0ALICE") == (
        2,
        "",
        "l'effacement est définitif : ajoutez --yes pour confirmer\n",
    )
    status, out, _ = palier(
        "privacy", "delete", "--workspace", "T0PALIER", "--user", "U0ALICE", "--yes"
    )
    assert status == 0 and "ratings=5" in out
    assert palier("export")[1].count("\n") == 1  # the header only
    assert palier("privacy", "export", "--workspace", "T0PALIER", "--user", "U0NOBODY")[0] == 1
