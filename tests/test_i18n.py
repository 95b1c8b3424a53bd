"""The message catalog: French and English hold the same messages with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

import bot.i18n
from bot.i18n import LOCALES, Translator, in_language, language_of, messages, to_locale


def _placeholders(value: object) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(str(text)) if name}


def test_same_keys_in_both_languages() -> None:
    assert set(messages("fr")) == set(messages("en"))


def test_same_placeholders_in_both_languages() -> None:
    french, english = messages("fr"), messages("en")
    for key in french:
        assert _placeholders(french[key]) == _placeholders(english[key]), key


def test_plural_rules() -> None:
    fr, en = Translator("fr"), Translator("en")
    assert fr.plural("cli.referentiels.valid", 0) == "0 fichier valide"
    assert fr.plural("cli.referentiels.valid", 2) == "2 fichiers valides"
    assert en.plural("cli.referentiels.valid", 0) == "0 valid files"
    assert en.plural("cli.referentiels.valid", 1) == "1 valid file"


def test_locale_from_slack_keeps_the_region() -> None:
    assert to_locale("fr-FR") == "fr-FR"
    assert to_locale("en-GB") == "en-GB"
    assert to_locale("en_us") == "en-US"
    assert to_locale("EN") == "en"
    assert to_locale("de-DE") == "fr"
    assert to_locale(None, default="en") == "en"


def test_the_language_picks_the_catalog_and_a_chosen_language_keeps_the_region() -> None:
    assert language_of("en-GB") == "en"
    assert language_of("fr-CA") == "fr"
    assert in_language("en-GB", "fr") == "fr-GB"
    assert in_language(None, "en") == "en"
    assert Translator("en-GB")("help.title") == Translator("en")("help.title")
    assert Translator("fr-FR")("help.title") == Translator("fr")("help.title")


def test_no_message_hedges_a_plural() -> None:
    """Real plurals (``one``/``other``), never "compétence(s)", "person(s)"."""
    hedge = re.compile(r"\w\((s|e|es|x|ies)\)")
    for locale in LOCALES:
        for key, value in messages(locale).items():
            for text in value.values() if isinstance(value, dict) else [value]:
                assert not hedge.search(str(text)), (locale, key, text)


# The inclusive "·e" only where a message speaks of its reader or of people whose gender
# Palier does not know; never for a competency.
INCLUSIVE = {
    "refusal.not_enrolled",
    "home.not_enrolled.text",
    "one_on_one.refusal.not_enrolled",
    "one_on_one.privacy",
    "one_on_one.privacy_own",
    "one_on_one.note.privacy",
    "demo.role.member",
}


def test_the_inclusive_form_is_for_people_only() -> None:
    for key, text in messages("fr").items():
        if "·" in str(text) and re.search(r"\w·\w", str(text)):
            assert key in INCLUSIVE, (key, text)
    assert "évaluée" in Translator("fr")("summary.unrated")


def test_no_catalog_text_carries_slack_markup() -> None:
    """The catalog is neutral (``**bold**``, ``[text](url)``): each front end renders it."""
    slack_bold = re.compile(r"(?<![*\w])\*[^*\s][^*\n]*\*(?![*\w])")
    slack_link = re.compile(r"<[^<>\s]*\|[^<>]*>|<[@!#]")
    for locale in LOCALES:
        for key, value in messages(locale).items():
            for text in value.values() if isinstance(value, dict) else [value]:
                assert not slack_bold.search(str(text)), (locale, key, text)
                assert not slack_link.search(str(text)), (locale, key, text)


class _NoDuplicates(yaml.SafeLoader):
    """A loader that refuses a key given twice in one mapping (plain YAML keeps the last,
    silently: a section appended twice would lose messages)."""


def _mapping(loader: _NoDuplicates, node: yaml.MappingNode, deep: bool = False) -> object:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        assert key not in seen, f"{key!r} given twice (line {key_node.start_mark.line + 1})"
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_NoDuplicates.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_no_message_is_written_twice(locale: str) -> None:
    path = Path(bot.i18n.__file__).parent / f"{locale}.yaml"
    yaml.load(path.read_text(encoding="utf-8"), Loader=_NoDuplicates)
