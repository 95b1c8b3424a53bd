"""The pure functions behind French habits: the nearest command or référentiel to a typo
(difflib, case and accents ignored), which commands each role may be offered, an admin
command's French times and people named by e-mail, and a CSV header's French names."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app.admin_input import bad_time, enrol_input, enrol_refused, schedule_input
from bot.app.enrolment import UNKNOWN_MANAGER, EnrolInput
from bot.domain.commands import (
    ADMIN_COMMANDS,
    MANAGER_COMMANDS,
    WORDS,
    Command,
    allowed,
    closest,
    fold,
    parse,
    suggest,
)
from bot.domain.people_file import COLUMNS, column_of
from handlers.slack.admin_commands import person_of
from referentiels.loader import ReferentielCatalog

EVERYONE = allowed(manager=False, admin=False)
MANAGER = allowed(manager=True, admin=False)
ADMIN = allowed(manager=False, admin=True)


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Équipe") == fold("EQUIPE") == "equipe"
    assert fold("Référentiel") == "referentiel"


@pytest.mark.parametrize(
    ("typed", "commands", "expected"),
    [
        ("tema", MANAGER, "team"),
        ("equpie", MANAGER, "équipe"),  # the accented word, as French writes it
        ("EQUIPR", MANAGER, "équipe"),
        ("revew", MANAGER, "review"),
        ("admn", ADMIN, "admin"),
        ("moii", EVERYONE, "moi"),
        ("aidee", EVERYONE, "aide"),
        ("langage", EVERYONE, "language"),
        ("prueve", EVERYONE, "preuve"),
        # A member is offered none of a manager's commands, a manager no admin's.
        ("tema", EVERYONE, None),
        ("revew", EVERYONE, None),
        ("admn", MANAGER, None),
        # Nothing close.
        ("salsa", ADMIN, None),
        ("x", ADMIN, None),
    ],
)
def test_a_typo_suggests_the_nearest_command_the_role_may_use(
    typed: str, commands: frozenset[Command], expected: str | None
) -> None:
    assert suggest(parse(f"{typed} et la suite"), commands) == expected


def test_a_known_command_or_nothing_typed_suggests_nothing() -> None:
    assert suggest(parse("team"), MANAGER) is None
    assert suggest(parse(""), MANAGER) is None
    assert suggest(parse("   "), MANAGER) is None


def test_who_may_be_offered_what() -> None:
    assert EVERYONE.isdisjoint(MANAGER_COMMANDS | ADMIN_COMMANDS)
    assert MANAGER_COMMANDS <= MANAGER and ADMIN_COMMANDS.isdisjoint(MANAGER)
    assert frozenset(WORDS) == ADMIN  # an admin may use everything
    assert Command.UNKNOWN not in ADMIN


@given(st.text(max_size=12), st.booleans(), st.booleans())
def test_a_suggestion_is_always_a_word_of_a_command_the_person_may_use(
    typed: str, manager: bool, admin: bool
) -> None:
    commands = allowed(manager=manager, admin=admin)
    found = suggest(parse(typed), commands)
    if found is not None:
        assert any(found in WORDS[command] for command in commands)
        assert parse(found).command in commands


@given(st.sampled_from(sorted({w for words in WORDS.values() for w in words if len(w) >= 4})))
def test_every_command_word_with_one_letter_doubled_finds_itself_again(word: str) -> None:
    typo = word[0] + word  # "tteam", "eequipe"
    found = suggest(parse(typo), frozenset(WORDS))
    assert found is not None and parse(found).command is parse(word).command


def test_the_nearest_referentiel_to_a_typo() -> None:
    ids = ReferentielCatalog.load(None).ids()
    assert closest("acount-executive", ids) == "account-executive"
    assert closest("Business-Developper", ids) == "business-developer"
    assert closest("manager-equipe-vendeur-b2b", ids) == "manager-equipe-vendeurs-b2b"
    assert closest("vendeur", ids) is None


# -- an admin command's words ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["jeudi", "16:00"], (3, time(16, 0))),
        (["jeudi", "9h30"], (3, time(9, 30))),
        (["Vendredi", "9", "h", "30"], (4, time(9, 30))),
        (["monday", "9h"], (0, time(9, 0))),
    ],
)
def test_a_schedule_reads_french_times(words: list[str], expected: tuple[int, time]) -> None:
    slot = schedule_input(words)
    assert slot is not None and (slot.weekday, slot.at) == expected
    assert bad_time(words) is None


@pytest.mark.parametrize(
    ("words", "wrong"),
    [
        (["jeudi", "25h"], "25h"),
        (["jeudi", "9", "h", "75"], "9 h 75"),
        (["thursday", "4pm"], "4pm"),
        (["demain", "9h"], None),  # no day: the usage, not a time problem
        (["jeudi"], None),
        ([], None),
    ],
)
def test_a_bad_time_is_named_when_the_day_reads(words: list[str], wrong: str | None) -> None:
    assert schedule_input(words) is None
    assert bad_time(words) == wrong


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("<@U0ALICE|alice>", "U0ALICE"),
        ("U0ALICE", "U0ALICE"),
        ("alice@acme.fr", "alice@acme.fr"),
        ("<mailto:alice@acme.fr|alice@acme.fr>", "alice@acme.fr"),
        ("<mailto:alice@acme.fr>", "alice@acme.fr"),
        ("alice", None),
        ("alice@", None),
        ("<#C123|general>", None),
    ],
)
def test_slack_names_a_person_by_mention_or_by_e_mail(word: str, expected: str | None) -> None:
    assert person_of(word) == expected


def test_an_enrolment_by_e_mail_and_what_its_refusal_names() -> None:
    words = ["alice@acme.fr", "acount-executive", "manager", "<@U0MANON|manon>"]
    assert enrol_input(words, person_of) == EnrolInput(
        "alice@acme.fr", "acount-executive", "U0MANON"
    )
    assert enrol_refused(words, person_of, "unknown_user") == ("acount-executive", "alice@acme.fr")
    # The manager was named by mention: no address to name back.
    assert enrol_refused(words, person_of, UNKNOWN_MANAGER) == ("acount-executive", None)
    by_address = ["<@U0ALICE>", "account-executive", "manager", "manon@acme.fr"]
    assert enrol_refused(by_address, person_of, UNKNOWN_MANAGER) == (
        "account-executive",
        "manon@acme.fr",
    )
    assert enrol_refused(["nobody"], person_of, "unknown_user") == (None, None)


# -- a CSV header ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("email", "email"),
        ("E-mail", "email"),
        ("e mail", "email"),
        ("Courriel", "email"),
        ("Rôle", "role"),
        ("ROLE", "role"),
        ("Manager", "manager_email"),
        ("manager_email", "manager_email"),
        ("E-mail du manager", "manager_email"),
        ("Référentiel", "referentiel"),
        ("referentiel", "referentiel"),
        ("Fuseau horaire", "timezone"),
        ("Jour", "day"),
        ("Heure", "time"),
        (" équipe ", "équipe"),  # no column of Palier's: reported as written
    ],
)
def test_a_header_names_its_column_in_french_or_english(cell: str, column: str) -> None:
    assert column_of(cell) == column


def test_every_column_reads_under_its_own_name() -> None:
    assert [column_of(name) for name in COLUMNS] == list(COLUMNS)
