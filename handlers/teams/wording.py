"""The catalog as Teams shows it: Palier's words, in Teams' own ways where a message
names a platform's.

The core's views ask for shared catalog keys and never name a platform. A few messages
say how one does something, and Slack's way is not Teams': a command typed after
``/palier`` (in Teams, to Palier directly), the message shortcut « Palier ·
preuve/evidence » (in Teams, the message action "Log as evidence" of the app's
manifest), the workspace (a Microsoft 365 organisation), a DM (the chat with Palier).
The catalog keeps Teams' version of each under the same key in its ``teams_words``
section, and a translator with this wording answers with it
(:class:`bot.i18n.Translator`). Every Teams listener words what a flow answers through
:func:`teams_t`, as Slack's do through ``slack_t``.
"""

from __future__ import annotations

from typing import Protocol

from bot.i18n import Locale, Translator

TEAMS_WORDING = "teams_words"


def teams_translator(locale: Locale) -> Translator:
    """The catalog in ``locale``, in Teams' words."""
    return Translator(locale, wording=TEAMS_WORDING)


class _HasLocale(Protocol):
    @property
    def locale(self) -> Locale: ...


def teams_t(source: _HasLocale) -> Translator:
    """The catalog in Teams' words, in the language of an outcome (or an actor)."""
    return teams_translator(source.locale)
