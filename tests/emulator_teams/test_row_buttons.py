"""Pressing the button on one row of a list where every row's button has the same title
("Alice — 5 to review [Review]", "Bob — 2 to review [Review]"): ``beside`` names the row
by a text it shows, as a person picks the line before clicking."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.teams import DriverError
from emulators.teams.inputs import find_action, submission
from tests.emulator_teams import card, text_block


def _row(name: str) -> dict[str, Any]:
    """A line of text with its button beside it, as a column set."""
    button = {
        "type": "Action.Submit",
        "title": "Review",
        "data": {"msteams": {"type": "task/fetch"}, "who": name},
    }
    return {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": "stretch", "items": [text_block(f"{name} — to review")]},
            {
                "type": "Column",
                "width": "auto",
                "items": [{"type": "ActionSet", "actions": [button]}],
            },
        ],
    }


LISTING = card(
    text_block("To review:"),
    _row("Alice Martin"),
    _row("Bob Stone"),
    {"type": "Input.Text", "id": "note", "label": "Note"},
)


def test_the_title_alone_finds_the_first_row_s_button() -> None:
    assert find_action(LISTING, "Review").action["data"]["who"] == "Alice Martin"


def test_beside_finds_the_button_on_the_row_that_shows_the_text() -> None:
    found = find_action(LISTING, "Review", beside="Bob Stone")
    assert found.action["data"]["who"] == "Bob Stone"
    # The button still gathers the inputs of the whole card it is on.
    assert found.chain == (LISTING,)
    data, errors = submission(found, {"note": "later"})
    assert data["note"] == "later" and errors == {}


def test_beside_wants_exactly_one_row() -> None:
    with pytest.raises(DriverError, match="0 rows of the card show 'Carol'"):
        find_action(LISTING, "Review", beside="Carol")
    with pytest.raises(DriverError, match="2 rows of the card show 'to review'"):
        find_action(LISTING, "Review", beside="to review")
    with pytest.raises(DriverError, match="no button 'Edit'"):
        find_action(LISTING, "Edit", beside="Bob Stone")
