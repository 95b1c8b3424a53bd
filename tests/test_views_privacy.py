"""Erasure is asked before it is done, and every refusal of the export and privacy flows
has words, in both languages."""

from __future__ import annotations

import pytest

from bot.app.exports import ExportRefusal
from bot.app.privacy import PrivacyRefusal
from bot.i18n import Translator
from bot.views import actions, privacy
from bot.views.cards import Actions, Paragraph


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_erasure_is_one_button_confirmed_again_before_anything_is_erased(locale: str) -> None:
    t = Translator(locale)
    card = privacy.erasure_question(t)
    paragraph, row = card.blocks
    assert isinstance(paragraph, Paragraph) and isinstance(row, Actions)
    assert paragraph.lines == (t.rich("privacy.delete_question"),)
    (button,) = row.buttons
    assert button.action == actions.ERASE_MY_DATA and button.danger
    assert button.confirm is not None and button.confirm.danger
    assert button.confirm.yes.plain() == t("privacy.confirm_yes")


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(
    "code", [ExportRefusal.NOT_ALLOWED, PrivacyRefusal.NOTHING, PrivacyRefusal.USAGE]
)
def test_each_refusal_a_person_can_get_has_its_words(locale: str, code: str) -> None:
    assert privacy.refusal(code, Translator(locale)).plain()
