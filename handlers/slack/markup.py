"""The catalog's neutral markup in Slack's mrkdwn.

The catalog (:mod:`bot.i18n`) writes ``**bold**`` and ``[text](url)``; Slack reads
``*bold*`` and ``<url|text>``. ``_italic_`` and `` `code` `` are the same in both.
The rewrite applies to a message's template, before a person's text goes in
(:class:`bot.i18n.Translator`'s ``markup``), so nobody's text becomes a link or bold.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from bot.i18n import Locale, Translator

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


@lru_cache(maxsize=4096)
def to_mrkdwn(template: str) -> str:
    """Neutral markup → Slack mrkdwn (templates are few: the result is cached)."""
    return _LINK.sub(r"<\2|\1>", _BOLD.sub(r"*\1*", template))


def slack_translator(locale: Locale) -> Translator:
    """The catalog in ``locale``, written for Slack."""
    return Translator(locale, markup=to_mrkdwn)


class _HasLocale(Protocol):
    @property
    def locale(self) -> Locale: ...


def slack_t(source: _HasLocale) -> Translator:
    """The catalog written for Slack, in the language of an outcome (or an actor)."""
    return slack_translator(source.locale)
