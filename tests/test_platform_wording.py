"""Each front end's words for the messages that name a platform's ways (the catalog's
``teams_words`` section, a translator's ``wording``): the Teams help, home page and empty
evidence list rendered as Adaptive Cards name no Slack thing, in French and in English;
Slack's are as they were; and every Teams version is the version of a shared message,
with its placeholders, so the two cannot drift apart."""

from __future__ import annotations

import json
import re
import string
from typing import Any

import pytest

from bot.domain.access import readers_of
from bot.i18n import LOCALES, Locale, Translator, messages
from bot.views.home import home_card
from bot.views.summary import help_card
from emulators.teams import render_card
from handlers.slack.markup import slack_translator
from handlers.slack.render import card_blocks
from handlers.teams.listeners import DIALOG_ACTIONS
from handlers.teams.render import Renderer
from handlers.teams.wording import TEAMS_WORDING, teams_translator
from tests.test_views_home import _entry, _home

# What a Teams person must never read: Slack's command, shortcut, product and jargon.
SLACK_WORDS = re.compile(
    r"/palier\b|Slack|raccourci|shortcut|Palier · preuve|App Home|\bDM\b|espace de travail"
    r"|workspace|message privé|direct message",
    re.IGNORECASE,
)
RENDERER = Renderer(DIALOG_ACTIONS)


def _teams(card: Any) -> str:
    return render_card(RENDERER.card(card))


def _slack(card: Any) -> str:
    return json.dumps([block.to_dict() for block in card_blocks(card)], ensure_ascii=False)


def _fields(template: Any) -> set[str]:
    forms = template.values() if isinstance(template, dict) else [template]
    return {field for form in forms for _, field, _, _ in string.Formatter().parse(form) if field}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_teams_version_is_one_of_a_shared_message(locale: Locale) -> None:
    catalog = messages(locale)
    prefix = f"{TEAMS_WORDING}."
    own = {key[len(prefix) :]: value for key, value in catalog.items() if key.startswith(prefix)}
    assert own, "the Teams wording is empty"
    for key, template in own.items():
        assert key in catalog, f"{prefix}{key} is the version of no shared message"
        shared = catalog[key]
        assert isinstance(template, dict) == isinstance(shared, dict), key
        assert _fields(template) == _fields(shared), f"{key}: not the same placeholders"
        assert template != shared, f"{key}: the same words in both"


def test_a_translator_answers_in_its_wording_and_keeps_it_in_another_language() -> None:
    teams, shared = teams_translator("fr"), Translator("fr")
    assert teams("home.next.slot_default") == ", le réglage par défaut de votre organisation"
    assert shared("home.next.slot_default") == ", le réglage par défaut de l'espace de travail"
    assert teams("help.title") == shared("help.title")  # no Teams version: the shared one
    assert teams.has("help.commands") and not teams.has("help.nothing_like_this")
    english = teams.in_locale("en")
    assert (english.locale, english.wording) == ("en", TEAMS_WORDING)
    assert english("home.next.slot_default") == ", your organisation's default"
    slack = slack_translator("fr").in_locale("en")
    assert slack.markup is not None and slack.wording is None


@pytest.mark.parametrize("locale", LOCALES)
def test_the_teams_help_names_teams_ways_and_no_slack_thing(locale: Locale) -> None:
    t = teams_translator(locale)
    shown = _teams(help_card(t, readers=readers_of(None, indirect=False)))
    assert SLACK_WORDS.search(shown) is None, SLACK_WORDS.search(shown)
    # The message action is called what the app's manifest calls it, in that language.
    assert t("teams_manifest.log_evidence") in shown
    typed = {"fr": ("moi", "accueil", "preuve", "aide"), "en": ("me", "home", "log", "help")}
    for command in typed[locale]:
        assert f"{command} " in shown or f"{command}\n" in shown or f"{command}:" in shown


@pytest.mark.parametrize("locale", LOCALES)
def test_the_teams_home_names_teams_ways_and_no_slack_thing(locale: Locale) -> None:
    t = teams_translator(locale)
    empty = _teams(home_card(_home(), t))  # no evidence yet, the default slot
    assert SLACK_WORDS.search(empty) is None, SLACK_WORDS.search(empty)
    assert t("teams_manifest.log_evidence") in empty  # the way to log from a message
    assert t("home.next.slot_default").strip(" ,") in empty
    stopped = _teams(home_card(_home(next_at=None, entries=(_entry(1),)), t))
    assert SLACK_WORDS.search(stopped) is None, SLACK_WORDS.search(stopped)
    assert "Teams" in stopped  # the account that cannot get messages is a Teams account


@pytest.mark.parametrize("locale", LOCALES)
def test_slacks_help_and_home_are_as_they_were(locale: Locale) -> None:
    t = slack_translator(locale)
    shortcut = "« Palier · preuve/evidence »" if locale == "fr" else "“Palier · preuve/evidence”"
    help_shown = _slack(help_card(t, readers=readers_of(None, indirect=False)))
    assert "`/palier me`" in help_shown and shortcut in help_shown
    home_shown = _slack(home_card(_home(), t))
    assert shortcut in home_shown and "Slack" in home_shown
    assert ("espace de travail" if locale == "fr" else "workspace") in home_shown
    assert _slack(home_card(_home(), Translator(locale))) == _slack(
        home_card(_home(), Translator(locale, wording=None))
    )
