"""The message catalog: every user-facing string, in French and in English.

Messages live in ``fr.yaml`` and ``en.yaml`` beside this module, as nested keys
with ``str.format`` placeholders. A message with plural forms is a mapping with
``one`` and ``other``; :meth:`Translator.plural` picks the form by the language's
rule (French treats 0 and 1 as singular, English only 1). A test keeps both files
with the same keys and the same placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.i18n.rich import Param, Rich

Locale = Literal["fr", "en"]
LOCALES: tuple[Locale, ...] = ("fr", "en")
DEFAULT_LOCALE: Locale = "fr"
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


@cache
def messages(locale: Locale) -> dict[str, Any]:
    """All messages of one language, keyed ``section.name``."""
    # libyaml's parser when present (ten times faster: the first message a process sends
    # in a language waits for it), the same safe loading.
    raw = yaml.load((_DIR / f"{locale}.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    return _flatten(raw)


def to_locale(value: str | None, default: Locale = DEFAULT_LOCALE) -> Locale:
    """``fr-FR``, ``en_US``, ``EN`` … → a supported locale; anything else → ``default``."""
    if not value:
        return default
    language = value.replace("_", "-").split("-")[0].lower()
    for locale in LOCALES:
        if locale == language:
            return locale
    return default


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
        self.markup = markup
        self.wording = wording
        self._messages = messages(locale)

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
        """The plural form of ``key`` for ``count`` (French: 0 and 1 singular)."""
        singular = count in (0, 1) if self.locale == "fr" else count == 1
        return str(self._messages[self._key(key)]["one" if singular else "other"])

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
