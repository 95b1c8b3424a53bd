"""Who sees a person's data, as Palier says it, against the policy it enforces.

``readers`` is asked of the rule (:func:`bot.domain.access.grants`); the sentences say
exactly the readers it names. The matrix below walks every viewer of a real reporting
line (SQLite and PostgreSQL) through ``scope_over`` — the enforcement — and checks that
the kinds of viewer it lets in are the readers the words name; and a different rule
changes the words.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.domain.access import (
    Reader,
    Relation,
    Scope,
    Viewer,
    grants,
    readers,
    readers_of,
    scope_over,
)
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.i18n import LOCALES, Locale, Translator
from bot.views.audience import readers_text
from storage.db import make_session_factory
from storage.models import Person, Platform, Role

# The words of each reader, in each language: what a sentence must (not) contain.
WORDS = {
    locale: {reader: Translator(locale)(f"welcome_dm.readers.{reader.value}") for reader in Reader}
    for locale in LOCALES
}


def _named(text: str, locale: Locale) -> set[Reader]:
    """The readers a sentence names (the longest words first: "managers above your
    manager" contains "your manager")."""
    named: set[Reader] = set()
    for reader, word in sorted(WORDS[locale].items(), key=lambda item: -len(item[1])):
        if word in text:
            named.add(reader)
            text = text.replace(word, "")
    return named


@pytest.mark.parametrize("indirect", [False, True])
@pytest.mark.parametrize("has_manager", [False, True])
def test_the_readers_are_what_the_policy_grants(indirect: bool, has_manager: bool) -> None:
    expected = [Reader.SELF]
    if has_manager:
        expected.append(Reader.MANAGER)
        if indirect:
            expected.append(Reader.MANAGERS_ABOVE)
    expected.append(Reader.ADMINS)
    assert readers(indirect=indirect, has_manager=has_manager) == tuple(expected)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("indirect", [False, True])
@pytest.mark.parametrize("has_manager", [False, True])
@pytest.mark.parametrize(
    "key",
    [
        "help.privacy",
        "home.privacy",
        "evidence.intro",
        "teams_evidence.log_intro",
        "one_on_one.privacy_own",
        "welcome_dm.privacy",
    ],
)
def test_each_sentence_names_exactly_the_readers(
    locale: Locale, indirect: bool, has_manager: bool, key: str
) -> None:
    t = Translator(locale)
    granted = readers(indirect=indirect, has_manager=has_manager)
    sentence = t.rich(key, readers=readers_text(granted, t)).plain()
    assert _named(sentence, locale) == set(granted)


def test_the_list_is_worded_the_languages_way() -> None:
    every = readers(indirect=True, has_manager=True)
    fr = readers_text(every, Translator("fr")).text
    en = readers_text(every, Translator("en")).text
    assert fr == (
        "vous, votre manager, les managers au-dessus de votre manager "
        "et les administrateurs de Palier de votre organisation"
    )
    assert en == (
        "you, your manager, the managers above your manager, "
        "and Palier's administrators in your organization"
    )
    assert readers_text((Reader.SELF,), Translator("fr")).text == "vous"


def test_another_rule_changes_the_words() -> None:
    """Admins who may not read, and managers above who always may: the sentence follows."""

    def stricter(relation: Relation, *, is_admin: bool, indirect: bool) -> Scope | None:
        if relation in (Relation.SELF, Relation.MANAGER, Relation.MANAGER_ABOVE):
            return Scope.SELF if relation is Relation.SELF else Scope.MANAGER
        return None

    found = readers(indirect=False, has_manager=True, rule=stricter)
    assert found == (Reader.SELF, Reader.MANAGER, Reader.MANAGERS_ABOVE)
    t = Translator("en")
    sentence = t.rich("home.privacy", readers=readers_text(found, t)).plain()
    assert "administrators" not in sentence
    assert "the managers above your manager" in sentence
    assert readers(indirect=False, has_manager=True) != found  # the real rule differs


def test_a_rule_letting_colleagues_read_is_refused_rather_than_worded() -> None:
    def leaky(relation: Relation, *, is_admin: bool, indirect: bool) -> Scope | None:
        return None if relation is Relation.ELSEWHERE else Scope.SELF

    with pytest.raises(ValueError, match="others than"):
        readers(indirect=False, has_manager=True, rule=leaky)


def test_someone_without_a_manager_is_not_told_a_manager_sees() -> None:
    alone = Person(platform_user_id="U1", manager_id=None)
    led = Person(platform_user_id="U2", manager_id=7)
    assert Reader.MANAGER not in readers_of(alone, indirect=True)
    assert readers_of(led, indirect=True) == (
        Reader.SELF,
        Reader.MANAGER,
        Reader.MANAGERS_ABOVE,
        Reader.ADMINS,
    )
    t = Translator("fr")
    sentence = t.rich("help.privacy", readers=readers_text(readers_of(alone, False), t)).plain()
    assert "manager" not in sentence


# --- the enforcement, walked through a real reporting line --------------------------


@pytest.fixture
def line(migrated_engine: Engine) -> Iterator[tuple[Session, dict[str, Person]]]:
    """Rita reports to Mona, who reports to Hugo; Ada is an admin; Cy a colleague; Zed
    is in another workspace."""
    session = make_session_factory(migrated_engine)()
    one = ensure_tenant(session, Platform.SLACK, "TAUD1")
    two = ensure_tenant(session, Platform.SLACK, "TAUD2")
    made: dict[str, Person] = {}
    for name, tenant in [
        ("rita", one),
        ("mona", one),
        ("hugo", one),
        ("ada", one),
        ("cy", one),
        ("zed", two),
    ]:
        made[name], _ = upsert_person(session, tenant, Profile(f"U{name.upper()}"))
    made["rita"].manager_id = made["mona"].id
    made["mona"].manager_id = made["hugo"].id
    made["ada"].role = Role.ADMIN
    session.flush()
    yield session, made
    session.close()


# Each viewer of Rita's data, and the reader the words call them.
AS_READER = {
    "rita": Reader.SELF,
    "mona": Reader.MANAGER,
    "hugo": Reader.MANAGERS_ABOVE,
    "ada": Reader.ADMINS,
    "cy": None,
    "zed": None,
}


@pytest.mark.parametrize("indirect", [False, True])
def test_the_words_name_exactly_who_the_enforcement_lets_in(
    line: tuple[Session, dict[str, Person]], indirect: bool
) -> None:
    session, people = line
    rita = people["rita"]
    let_in: set[Reader] = set()
    for name, reader in AS_READER.items():
        viewer = people[name]
        scope = scope_over(
            session, Viewer(viewer, is_admin=viewer.role is Role.ADMIN, indirect=indirect), rita
        )
        if scope is not None:
            assert reader is not None, f"{name} may read Rita's data, and no words say so"
            let_in.add(reader)
    assert let_in == set(readers_of(rita, indirect))
    # The same rule answers both ways.
    assert grants(Relation.MANAGER_ABOVE, is_admin=False, indirect=indirect) == (
        Scope.MANAGER if indirect else None
    )
