"""What a flow answers: something to show, or why not, in the actor's language.

Neutral: a front end renders ``view`` (or the catalog message of ``refusal``) with
``Translator(locale)``, in its own markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.i18n import Locale, Translator

V = TypeVar("V")


@dataclass(frozen=True)
class Outcome(Generic[V]):
    locale: Locale
    view: V | None = None
    refusal: str | None = None  # a catalog key, when the flow refused

    @property
    def t(self) -> Translator:
        return Translator(self.locale)

    @classmethod
    def refused(cls, locale: Locale, key: str) -> Outcome[V]:
        return cls(locale, refusal=key)
