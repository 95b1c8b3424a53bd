"""One's own data and its erasure, and the export's answers, as the core words them.

Erasure is asked before it is done: a card with one button, confirmed again (it cannot
be undone). The flows' refusal codes (:mod:`bot.app.exports`, :mod:`bot.app.privacy`)
are keyed here by their value, the views layer sitting below the flows.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.i18n.rich import Rich
from bot.views import actions
from bot.views.cards import Actions, Button, Card, Confirm, Paragraph

# ExportRefusal.NOT_ALLOWED, PrivacyRefusal.NOTHING, PrivacyRefusal.USAGE.
REFUSALS = {
    "not_allowed": "privacy.export_refused",
    "nothing": "privacy.nothing",
    "usage": "privacy.usage",
}


def refusal(code: str, t: Translator) -> Rich:
    return t.rich(REFUSALS[code])


def sent_to_dm(t: Translator) -> Rich:
    """Where an export or one's data went: one's own DM with Palier."""
    return t.rich("privacy.sent_to_dm")


def erased(t: Translator) -> Rich:
    return t.rich("privacy.erased")


def erasure_question(t: Translator) -> Card:
    """Erase everything? One button, confirmed again before anything is erased."""
    question = t.rich("privacy.delete_question")
    confirm = Confirm(
        t.rich("privacy.confirm_title"),
        t.rich("privacy.confirm_text"),
        t.rich("privacy.confirm_yes"),
        t.rich("privacy.confirm_no"),
        danger=True,
    )
    erase = Button(
        t.rich("privacy.delete_button"),
        actions.ERASE_MY_DATA,
        "erase",
        danger=True,
        confirm=confirm,
    )
    return Card(question, (Paragraph((question,)), Actions(actions.ERASURE_ACTIONS, (erase,))))
