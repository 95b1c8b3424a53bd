"""Every flow in Teams in French AND in English, the person's Teams client speaking one
or the other: the check-in (prompt, dialog, a problem beside its field, "done", the
summary; Later and Skip), evidence, the page, a manager's review (the report told in
their own language), the team, the 1:1 brief (one's own, a manager's with its note and
"1:1 done", a refusal), administration, privacy, the language and the time zone.

The journeys beside this file were each written in one language, some in both; here
each flow runs in both (parametrized), so a message Palier words in one language only,
or a flow that answers in the wrong one, fails. Words are the catalog's (``bot/i18n``),
in the language expected and never in the other — through the real Teams SDK and the
emulator, SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from bot.domain.access import readers
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.i18n import Translator, messages
from bot.i18n.rich import Param, Plain, strip_markup
from bot.views.audience import readers_text
from emulators.teams import Message, TeamsEmulator, User
from handlers.teams.wording import teams_translator
from storage.db import session_scope
from storage.models import Platform, PromptStatus
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.managers import enrol_manager, manage, manager_ratings, sent

LANGS = ["fr", "en"]
CLIENT = {"fr": "fr-FR", "en": "en-US"}
OTHER = {"fr": "en", "en": "fr"}
ADMIN_ID = "3e1d9c7b-5a4f-4e2d-8c1b-0a9f8e7d6c5b"
AE = "Account Executive"  # the référentiel's title, the same in both catalogs
# What a placeholder or the catalog's markup would split: fragments, per language.
WORDS = {
    "fr": {
        "team_refused": "est réservé aux managers",
        "admin_usage": "(à écrire à Palier)",
        "enrolled": "suit désormais « Account Executive » dans Palier",
        "status": "Palier dans votre organisation : 2 personnes inscrites",
    },
    "en": {
        "team_refused": "is for managers",
        "admin_usage": "(write to Palier)",
        "enrolled": "is enrolled on “Account Executive”",
        "status": "Palier in your organisation: 2 people enrolled",
    },
}


def _t(lang: str) -> Translator:
    """The catalog as Teams words it (its own version of what names Slack's ways)."""
    return teams_translator("fr" if lang == "fr" else "en")


def _w(lang: str, key: str, **params: str | int) -> str:
    """The catalog's message ``key`` in ``lang``, as plain text."""
    values: dict[str, Param] = {
        name: value if isinstance(value, int) else Plain(value) for name, value in params.items()
    }
    return _t(lang).rich(key, **values).plain()


def _lead(lang: str, key: str) -> str:
    """The words of ``key`` before its first placeholder (what no value changes)."""
    template: str = messages("fr" if lang == "fr" else "en")[key]
    return strip_markup(template.split("{", 1)[0])


def _says(screen: str, lang: str, key: str, **params: str | int) -> None:
    """``screen`` shows the message ``key`` in ``lang``, and not in the other language."""
    mine, other = _w(lang, key, **params), _w(OTHER[lang], key, **params)
    assert mine in screen, f"{mine!r} not in {screen!r}"
    if other != mine:
        assert other not in screen, f"{other!r} in {screen!r}"


def _person(world: TeamsWorld, lang: str, name: str = "Sacha Morel") -> User:
    """Someone followed on account-executive whose Teams speaks ``lang`` (in Paris)."""
    first = name.split()[0].lower()
    user = world.emulator.add_user(name, f"{first}.{lang}@example.com", locale=CLIENT[lang])
    enrol(world.core, user)
    return user


def _said(world: TeamsWorld, user: User, text: str, *mentioned: User) -> Message:
    """``user`` writes ``text`` to Palier, ``mentioned`` @mentioned after it; the answer."""
    teams = world.teams
    before = len(sent(world, user))
    words = " ".join([text, *(teams.mention(someone) for someone in mentioned)])
    assert teams.send_message(user, words, mentions=list(mentioned)).ok
    answers = sent(world, user)[before:]
    assert len(answers) == 1, [teams.render(a) for a in answers]
    return answers[0]


def _now(world: TeamsWorld, message: Message) -> Message:
    current = world.emulator.message(message.conversation_id, message.id)
    assert current is not None
    return current


def _check_in(world: TeamsWorld, user: User, lang: str, level: str, topic: str = "") -> None:
    """The week's prompt (a tick sent it) answered ``level`` throughout."""
    teams = world.teams
    start = _w(lang, "prompt.start")
    prompt = next(m for m in reversed(sent(world, user)) if start in teams.buttons(m))
    teams.open_dialog(user, prompt, start)
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    answers = {key: level for key in levels}
    if topic:
        answers["checkin.topic"] = topic
    assert teams.submit_dialog(user, answers).outcome == "close"


# -- the check-in --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_check_in_from_prompt_to_summary(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    user = _person(world, lang)
    teams.install(user)
    _says(teams.render(sent(world, user)[-1]), lang, "welcome.title")
    world.tick()
    prompt = sent(world, user)[-1]
    week = _w(lang, "calendar.week", week=48)
    start = _w(lang, "prompt.start")
    assert teams.buttons(prompt)[:3] == [
        start,
        _w(lang, "prompt.skip"),
        _w(lang, "snooze_choices.hour"),
    ]
    _says(teams.render(prompt), lang, "prompt.how")

    teams.open_dialog(user, prompt, start)
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    assert dialog.title == _w(lang, "modal.title", week=week)
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    competency = levels[0].split(":", 1)[1]
    answers = {level: "junior" for level in levels}
    again = teams.submit_dialog(user, {**answers, f"checkin.link:{competency}": "pas un lien"})
    assert again.outcome == "continue"
    _says(teams.screen(user), lang, "checkin.problem.bad_link")

    corrected = {**answers, f"checkin.link:{competency}": ""}  # the link taken out
    assert teams.submit_dialog(user, corrected).outcome == "close"
    _says(teams.render(_now(world, prompt)), lang, "prompt.done", week=week)
    _says(teams.render(sent(world, user)[-1]), lang, "summary.title", referentiel=AE)


@pytest.mark.parametrize("lang", LANGS)
def test_later_then_skip_on_the_prompt(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    user = _person(world, lang)
    teams.install(user)
    world.tick()
    prompt = sent(world, user)[-1]
    teams.click(user, prompt, _w(lang, "snooze_choices.hour"))
    assert world.prompt(user).snoozed_until is not None
    assert _lead(lang, "prompt.snoozed") in teams.render(_now(world, prompt))

    # Skip asks first, on the card; its own button is the one that skips.
    teams.click(user, _now(world, prompt), _w(lang, "prompt.skip_confirm_yes"))
    assert world.prompt(user).status is PromptStatus.SKIPPED
    skipped = teams.render(_now(world, prompt))
    assert _lead(lang, "prompt.skipped") in skipped
    assert _lead(OTHER[lang], "prompt.skipped") not in skipped


# -- evidence ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_evidence_logged_any_day(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    user = _person(world, lang)
    teams.install(user)
    card = _said(world, user, "preuve" if lang == "fr" else "log")
    # Who will see it, as the policy says for someone without a manager.
    who = readers_text(readers(indirect=False, has_manager=False), _t(lang)).text
    _says(teams.render(card), lang, "teams_evidence.log_intro", readers=who)
    button = _w(lang, "teams_evidence.log_button")
    assert teams.buttons(card) == [button]
    teams.open_dialog(user, card, button)
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.title == _w(lang, "evidence.title")
    save = _w(lang, "evidence.submit")
    empty = {"evidence.competency": "closing"}
    assert teams.submit_dialog(user, empty, button=save).outcome == "continue"
    _says(teams.screen(user), lang, "checkin.problem.text_required")
    done = teams.submit_dialog(user, {"evidence.text": "Signé Acme"}, button=save)
    assert done.outcome == "close"
    _says(teams.render(sent(world, user)[-1]), lang, "evidence.saved", competency="Closing")


# -- the page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_its_buttons_and_a_confirmed_delete(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    user = _person(world, lang)
    teams.install(user)
    page = _said(world, user, "accueil" if lang == "fr" else "home")
    text = teams.render(page)
    _says(text, lang, "home.title", referentiel=AE)
    assert _lead(lang, "home.next.slot") in text
    _says(text, lang, "home.evidence.empty")
    buttons = teams.buttons(page)
    for key in ("checkin_now", "log_evidence", "pause", "schedule", "language"):
        assert _w(lang, f"home.button.{key}") in buttons

    # Evidence logged from the page, then deleted (confirmed on the card first).
    log = _w(lang, "home.button.log_evidence")
    teams.open_dialog(user, page, log)
    saved = teams.submit_dialog(
        user,
        {"evidence.competency": "closing", "evidence.text": "Signé Acme"},
        button=_w(lang, "evidence.submit"),
    )
    assert saved.outcome == "close"
    page = _now(world, page)
    delete = _w(lang, "home.evidence.delete")
    assert delete in teams.buttons(page)
    _says(teams.render(page), lang, "home.evidence.title", first=1, last=1, total=1)
    answer = teams.click(user, page, _w(lang, "home.evidence.delete_confirm_yes"), within=delete)
    assert answer.outcome == "card"
    _says(teams.render(_now(world, page)), lang, "home.evidence.empty")

    teams.open_dialog(user, _now(world, page), _w(lang, "home.button.pause"))
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.title == _w(lang, "home.pause.title")


# -- a manager's review, the team, the 1:1 --------------------------------------------------------


def _manager_and_report(world: TeamsWorld, lang: str) -> tuple[User, User]:
    """A manager whose Teams speaks ``lang`` and their report, who speaks the other
    language and checked in (a topic raised for the 1:1)."""
    manager = world.emulator.add_user(
        "Chloé Durand", f"chloe.{lang}@example.fr", locale=CLIENT[lang]
    )
    enrol_manager(world, manager)
    report = _person(world, OTHER[lang], "Robin Petit")
    manage(world, manager, report)
    for user in (manager, report):
        world.teams.install(user)
    world.tick()
    _check_in(world, report, OTHER[lang], "intermediaire", topic="Parler du closing")
    return manager, report


@pytest.mark.parametrize("lang", LANGS)
def test_a_review_in_the_managers_language_told_in_the_reports(
    world: TeamsWorld, lang: str
) -> None:
    teams = world.teams
    chloe, robin = _manager_and_report(world, lang)
    listing = _said(world, chloe, "revue" if lang == "fr" else "review")
    report_line = _t(lang).rich_plural("review.report_line", 5, name=Plain("Robin Petit"))
    assert report_line.plain() in teams.render(listing)
    teams.open_dialog(chloe, listing, _w(lang, "review.button"))
    _says(teams.screen(chloe), lang, "review.self_level", level="Intermédiaire")
    done = teams.submit_dialog(chloe, {"review.level:closing": "junior"})
    assert done.outcome == "message"
    assert teams.notice(chloe) == _w(lang, "review.saved", name="Robin Petit")
    assert manager_ratings(world, robin)["closing"] == "junior"
    told = teams.render(sent(world, robin)[-1])
    _says(told, OTHER[lang], "review.told", manager="Chloé Durand")  # the report's language
    _says(teams.render(_now(world, listing)), lang, "review.nothing")

    # A member asking is refused in their own language.
    _says(teams.render(_said(world, robin, "review")), OTHER[lang], "review.not_manager")


@pytest.mark.parametrize("lang", LANGS)
def test_the_team_as_a_table_and_a_members_refusal(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    chloe, robin = _manager_and_report(world, lang)
    answer = _said(world, chloe, "équipe" if lang == "fr" else "team")
    text = teams.render(answer)
    _says(text, lang, "team.title", referentiel=AE)
    header = " | ".join(_w(lang, f"team.column.{c}") for c in ("person", "competency", "self"))
    assert header in text
    assert (
        " | ".join(_w(OTHER[lang], f"team.column.{c}") for c in ("person", "competency"))
        not in text
    )
    refused = teams.render(_said(world, robin, "team"))
    assert WORDS[OTHER[lang]]["team_refused"] in refused  # the member's own language
    assert WORDS[lang]["team_refused"] not in refused


@pytest.mark.parametrize("lang", LANGS)
def test_the_1on1_own_prep_a_managers_brief_note_and_done(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    chloe, robin = _manager_and_report(world, lang)
    own = teams.render(_said(world, robin, "1on1"))
    _says(own, OTHER[lang], "one_on_one.title_own")

    brief = _said(world, chloe, "1on1", robin)
    _says(teams.render(brief), lang, "one_on_one.title", name="Robin Petit")
    note, done = _w(lang, "one_on_one.button.note"), _w(lang, "one_on_one.button.done")
    assert teams.buttons(brief) == [done, note]
    teams.open_dialog(chloe, brief, note)
    _says(teams.screen(chloe), lang, "one_on_one.note.intro", name="Robin Petit")
    empty = teams.submit_dialog(chloe, {"one_on_one.note_text": "  "})
    assert empty.outcome == "continue"
    _says(teams.screen(chloe), lang, "one_on_one.refusal.empty_note")
    teams.submit_dialog(chloe, {"one_on_one.note_text": "Féliciter"})
    _says(teams.screen(chloe), lang, "one_on_one.note.saved")
    teams.close_dialog(chloe)

    before = len(sent(world, chloe))
    teams.click(chloe, brief, _w(lang, "one_on_one.done.confirm_yes"), within=done)
    [recorded] = sent(world, chloe)[before:]
    text = teams.render(recorded)
    assert _lead(lang, "one_on_one.done.recorded") in text and "Robin Petit" in text

    # Asking about someone one does not manage: the same refusal, in one's language.
    refused = teams.render(_said(world, robin, "1on1", chloe))
    _says(refused, OTHER[lang], "one_on_one.refusal.unavailable")


# -- administration ---------------------------------------------------------------------------


@pytest.fixture
def admin_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """PALIER_ADMIN_USER_IDS names ADMIN_ID (read when the world builds its settings)."""
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", ADMIN_ID)


@pytest.mark.parametrize("lang", LANGS)
def test_administration_in_the_admins_language(
    admin_client: None, world: TeamsWorld, lang: str
) -> None:
    teams, emulator = world.teams, world.emulator
    paul = emulator.add_user(
        "Paul Durand", "paul.durand@example.fr", aad_object_id=ADMIN_ID, locale=CLIENT[lang]
    )
    bob = emulator.add_user("Bob Stone", "bob.stone@example.com", locale="en-US")
    teams.install(paul)
    words = WORDS[lang]
    assert words["admin_usage"] in teams.render(_said(world, paul, "admin"))
    enrol = "admin enrol bob.stone@example.com account-executive"
    enrolled = teams.render(_said(world, paul, enrol))
    assert enrolled.startswith(f"Bob Stone {words['enrolled']}")
    status = teams.render(_said(world, paul, "admin status"))
    assert status.startswith(words["status"])
    _says(status, lang, "teams_admin.install_for_everyone")  # Bob has not installed it
    assert "• Bob Stone" in status
    # Someone who is not an admin is refused in their own language.
    teams.install(bob)
    _says(teams.render(_said(world, bob, "admin status")), "en", "teams_admin.refused")


# -- privacy, the language, the time zone ----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_erasure_asked_confirmed_and_done(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    user = _person(world, lang)
    teams.install(user)
    question = _said(world, user, "privacy delete")
    _says(teams.render(question), lang, "privacy.delete_question")
    erase = _w(lang, "privacy.confirm_yes")
    teams.click(user, question, erase, within=_w(lang, "privacy.delete_button"))
    _says(teams.render(_now(world, question)), lang, "privacy.erased")
    assert world.person(user).referentiel_id is None


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_chosen_over_teams_own(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    user = _person(world, OTHER[lang])  # Teams speaks the other language
    teams.install(user)
    chosen = _said(world, user, f"langue {lang}" if lang == "fr" else f"language {lang}")
    _says(teams.render(chosen), lang, "language.changed")
    region = CLIENT[OTHER[lang]].split("-")[1]  # Teams' region stays for dates
    assert world.person(user).locale == f"{lang}-{region}"
    me = teams.render(_said(world, user, "me"))
    _says(me, lang, "summary.title", referentiel=AE)


@pytest.mark.parametrize("lang", LANGS)
def test_the_welcome_asks_for_the_zone_and_the_form_shows_it(
    world: TeamsWorld, emulator: TeamsEmulator, lang: str
) -> None:
    teams = world.teams
    user = emulator.add_user(
        "Sacha Morel", f"sacha.{lang}@example.com", locale=CLIENT[lang], timezone="America/Montreal"
    )
    with session_scope(world.core.sessions) as session:  # enrolled from a file with no zone
        tenant = ensure_tenant(session, Platform.TEAMS, user.tenant_id)
        person, _ = upsert_person(session, tenant, Profile(user.aad_object_id, user.name))
        person.referentiel_id = "account-executive"
    teams.install(user)
    welcome = sent(world, user)[-1]
    _says(teams.render(welcome), lang, "teams_home.zone_unknown")
    schedule = _w(lang, "home.button.schedule")
    assert teams.buttons(welcome) == [_w(lang, "teams_home.show"), schedule]
    teams.open_dialog(user, welcome, schedule)
    _says(teams.screen(user), lang, "home.schedule.intro", zone="America/Montreal")
