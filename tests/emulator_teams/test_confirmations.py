"""Pressing a confirmation's button when it has the same title as the button that asked
(Delete → "Delete this?" → Delete), on the card the first one reveals."""

from __future__ import annotations

import pytest

from emulators.teams import DriverError
from emulators.teams.inputs import find_action
from tests.emulator_teams import card, text_block


def _row(key: str) -> dict[str, object]:
    return {
        "type": "ActionSet",
        "actions": [
            {
                "type": "Action.ShowCard",
                "title": "Delete",
                "card": card(
                    text_block(f"Delete {key}?"),
                    actions=[
                        {
                            "type": "Action.Execute",
                            "title": "Delete",
                            "verb": "delete",
                            "data": {"key": key},
                        }
                    ],
                ),
            },
            {"type": "Action.Execute", "title": "Edit", "verb": "edit", "data": {"key": key}},
        ],
    }


ROWS = card(text_block("Evidence"), _row("first"), _row("second"))


def test_the_title_alone_finds_the_button_that_asks() -> None:
    assert find_action(ROWS, "Delete").action["type"] == "Action.ShowCard"


def test_within_finds_the_confirmation_on_the_card_it_reveals() -> None:
    found = find_action(ROWS, "Delete", within="Delete")
    assert found.action["type"] == "Action.Execute"
    assert found.action["data"] == {"key": "first"}  # the first row's, as the person sees it
    assert len(found.chain) == 2 and found.chain[0] is ROWS


def test_within_names_a_button_that_reveals_a_card() -> None:
    with pytest.raises(DriverError, match=r"not Action\.ShowCard"):
        find_action(ROWS, "Delete", within="Edit")
    with pytest.raises(DriverError, match="no button 'Keep'"):
        find_action(ROWS, "Keep", within="Delete")
