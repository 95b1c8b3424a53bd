"""Every view a delivery or a flow's effect carries has one card, the same for every
front end."""

from __future__ import annotations

import inspect
from dataclasses import is_dataclass

import pytest

from bot.delivery import views as delivery_views
from bot.i18n import Translator
from bot.presenters import CARDS, card_of


def test_every_message_the_tick_sends_has_a_card() -> None:
    kinds = {
        cls
        for _, cls in inspect.getmembers(delivery_views, inspect.isclass)
        if is_dataclass(cls) and cls.__module__ == delivery_views.__name__
    }
    assert kinds and kinds <= set(CARDS)


def test_a_view_without_a_card_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="no card for object"):
        card_of(object(), Translator("fr"))
