"""The VAE livret shared with one's manager, as the core words it: the request the
person answers, and what each side is told.

The request is the person's to answer, in their own language (``locale``), whoever
asked: it names the manager, the certification, and exactly what sharing sends — the
PDF and the Word file of the livret as ``/palier vae`` gives it to the person — and
offers Share or Decline. The buttons carry the request (``value``), an opaque claim the
flow checks again against the access policy when it is clicked
(:mod:`bot.app.vae_share`). A name is a :class:`~bot.i18n.rich.Mention`, shown escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import Locale, Translator
from bot.i18n.rich import Mention, Param, Plain, Rich
from bot.views import actions
from bot.views.cards import Actions, Button, Card, Note, Paragraph

WORDS = "livret_share"


@dataclass(frozen=True)
class LivretAsked:
    """The request, for the person: ``manager`` asks for their livret on ``referentiel``."""

    locale: Locale  # the person's
    manager: Mention
    referentiel: str  # its title, quoted
    value: str  # the request, for the buttons


@dataclass(frozen=True)
class LivretNotice:
    """A line for someone, in their own language: ``key`` of the ``livret_share``
    section with its ``params``."""

    locale: Locale
    key: str
    params: dict[str, Param] = field(default_factory=dict)


def request_card(view: LivretAsked, t: Translator) -> Card:
    """Share or Decline, under what sharing sends."""
    own = t.in_locale(view.locale)
    params: dict[str, Param] = {"manager": view.manager, "referentiel": Plain(view.referentiel)}
    asked = own.rich(f"{WORDS}.request", **params)
    share = Button(own.rich(f"{WORDS}.share_button"), actions.LIVRET_SHARE, view.value, True)
    decline = Button(own.rich(f"{WORDS}.decline_button"), actions.LIVRET_DECLINE, view.value)
    return Card(
        asked,
        (
            Paragraph((asked,)),
            Paragraph((own.rich(f"{WORDS}.request_what", **params),)),
            Actions(actions.LIVRET_ACTIONS, (share, decline)),
            Note(own.rich(f"{WORDS}.request_note", **params)),
        ),
    )


def notice(view: LivretNotice, t: Translator) -> Rich:
    return t.in_locale(view.locale).rich(f"{WORDS}.{view.key}", **view.params)


def notice_card(view: LivretNotice, t: Translator) -> Card:
    text = notice(view, t)
    return Card(text, (Paragraph((text,)),))


def refusal(code: str, t: Translator) -> Rich:
    """Why nothing was asked or sent (:class:`bot.app.vae_share.ShareRefusal`'s code)."""
    return t.rich(f"{WORDS}.refusal.{code}")
