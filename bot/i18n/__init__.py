"""The message catalog: every user-facing string, in French and in English.

Messages live in ``fr.yaml`` and ``en.yaml`` beside this module, as nested keys
with ``str.format`` placeholders. A message with plural forms is a mapping with
``one`` and ``other``; :meth:`Translator.plural` picks the form by CLDR's rule for
the language, through Babel (French treats 0 and 1 as singular, English only 1). A
test keeps both files with the same keys and the same placeholders.

A person's *locale* is a language tag as their platform reports it, kept with its
region (``en-GB``, ``en-US``, ``fr-FR``, or just ``fr``): the language picks the
catalog, the whole tag the formats of dates, times, numbers and lists
(:mod:`bot.i18n.formats`) — an English speaker in London reads 10/12 for the 10th of
December, one in New York 12/10.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeAlias

import yaml
from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from bot.i18n.rich import Param, Rich

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
# A language tag whose language Palier speaks, with the region when known: "en-GB".
Locale: TypeAlias = str
# The languages, each a locale too (the language chooser, the Teams manifest …).
LOCALES: tuple[Language, ...] = LANGUAGES
DEFAULT_LOCALE: Locale = "fr"
DEFAULT_LANGUAGE: Language = "fr"
_DIR = Path(__file__).parent


def _flatten(node: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in node.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and not {"one", "other"} >= set(value):
            flat.update(_flatten(value, full))
        else:
            flat[full] = value
    return flat


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def messages(locale: Locale) -> dict[str, Any]:
    """All messages of one language, keyed ``section.name``."""
    return _messages(language_of(locale))


@cache
def _messages(language: Language) -> dict[str, Any]:
    # libyaml's parser when present (ten times faster: the first message a process sends
    # in a language waits for it), the same safe loading; one copy per language, whatever
    # the regions asked for.
    raw = yaml.load((_DIR / f"{language}.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    return _flatten(raw)


def _parts(value: str) -> tuple[str, str | None]:
    """``en_gb`` → (``en``, ``GB``); a script or a variant is left out, and so is
    anything that is not a region (two letters or three digits)."""
    pieces = value.strip().replace("_", "-").split("-")
    language = pieces[0].lower()
    region = next(
        (
            piece.upper()
            for piece in pieces[1:]
            if (len(piece) == 2 and piece.isalpha()) or (len(piece) == 3 and piece.isdigit())
        ),
        None,
    )
    return language, region


def to_locale(value: str | None, default: Locale = DEFAULT_LOCALE) -> Locale:
    """``fr-FR``, ``en_gb``, ``EN`` … → ``fr-FR``, ``en-GB``, ``en``: a locale whose
    language Palier speaks, region kept; anything else → ``default``."""
    if not value:
        return default
    language, region = _parts(value)
    if language not in LANGUAGES:
        return default
    return f"{language}-{region}" if region else language


def language_of(locale: Locale) -> Language:
    """The catalog's language of a locale: ``en-GB`` → ``en``; French when unknown."""
    language = _parts(locale)[0] if locale else ""
    return next((known for known in LANGUAGES if known == language), DEFAULT_LANGUAGE)


def in_language(locale: Locale | None, language: Language) -> Locale:
    """``language`` with the region of ``locale``: someone in London who chooses French
    keeps the British region for what has no French form of its own."""
    region = _parts(locale)[1] if locale else None
    return f"{language}-{region}" if region else language


@cache
def babel_locale(locale: Locale) -> BabelLocale:
    """The CLDR locale for a tag: the language with its region when CLDR knows the pair
    (``en-GB``, ``fr-CA``), the language alone otherwise (``fr-GB`` → ``fr``)."""
    language, region = _parts(locale)
    language = language_of(language)
    if region:
        try:
            return BabelLocale(language, region)
        except (ValueError, UnknownLocaleError):
            pass
    return BabelLocale(language)


def plural_form(locale: Locale, count: int) -> Literal["one", "other"]:
    """CLDR's plural category of ``count``, narrowed to the catalog's two forms."""
    return "one" if babel_locale(locale).plural_form(count) == "one" else "other"


Markup = Callable[[str], str]


class Translator:
    """Messages of one language, in the markup and the wording of whoever shows them.

    The catalog is written in a neutral markup — ``**bold**``, ``_italic_``,
    `` `code` `` and ``[text](url)`` — that Teams' Adaptive Cards read as it is; a
    front end with another markup (Slack's mrkdwn) gives ``markup``, which rewrites
    the *template* before the parameters go in, so a person's own text placed in a
    message is never read as markup.

    ``wording`` names the catalog section of a front end's own words: where a message
    names a platform's ways (a slash command, a shortcut, the workspace), the section
    holds the front end's version under the same key (``teams_words.help.commands`` for
    ``help.commands``), and this translator answers with it. Views ask for the shared
    key and never name a platform; every other message is shared.
    """

    def __init__(
        self, locale: Locale, markup: Markup | None = None, wording: str | None = None
    ) -> None:
        self.locale = locale
        self.language = language_of(locale)
        self.markup = markup
        self.wording = wording
        self._messages = messages(self.language)

    def in_locale(self, locale: Locale) -> Translator:
        """The same markup and wording, in another language (a message in its
        recipient's language rather than the actor's)."""
        return Translator(locale, self.markup, self.wording)

    def _key(self, key: str) -> str:
        """``key``, or the front end's own version of it when its wording has one."""
        if self.wording is not None:
            own = f"{self.wording}.{key}"
            if own in self._messages:
                return own
        return key

    def _template(self, template: str) -> str:
        return self.markup(template) if self.markup is not None else template

    def __call__(self, key: str, **params: Any) -> str:
        template = self._messages[self._key(key)]
        if not isinstance(template, str):
            raise KeyError(f"{key} has plural forms: use plural()")
        template = self._template(template)
        return template.format(**params) if params else template

    def _form(self, key: str, count: int) -> str:
        """The plural form of ``key`` for ``count`` (CLDR: French 0 and 1 singular)."""
        return str(self._messages[self._key(key)][plural_form(self.locale, count)])

    def plural(self, key: str, count: int, **params: Any) -> str:
        return self._template(self._form(key, count)).format(count=count, **params)

    def rich(self, key: str, **params: Param) -> Rich:
        """The message as neutral text, its values typed (see :mod:`bot.i18n.rich`):
        the front end renders it in its own markup and escapes each value its way."""
        template = self._messages[self._key(key)]
        if not isinstance(template, str):
            raise KeyError(f"{key} has plural forms: use rich_plural()")
        return Rich(template, params)

    def rich_plural(self, key: str, count: int, **params: Param) -> Rich:
        return Rich(self._form(key, count), {"count": count, **params})

    def has(self, key: str) -> bool:
        return self._key(key) in self._messages


def translator(locale: str | None) -> Translator:
    return Translator(to_locale(locale))
