"""The Teams client's side, without a bot: filling inputs, pressing buttons, reading cards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from emulators.teams import DriverError, card_texts, render_card, validate_card
from emulators.teams.cards import message_size
from emulators.teams.inputs import find_action, submission
from tests.emulator_teams import card, text_block

FORM = card(
    text_block("Your week"),
    {"type": "Input.Text", "id": "note", "label": "Note", "isRequired": True},
    {"type": "Input.Text", "id": "code", "regex": "^[A-Z]{3}$", "errorMessage": "Three capitals"},
    {"type": "Input.Number", "id": "score", "min": 1, "max": 5},
    {"type": "Input.Date", "id": "day"},
    {"type": "Input.Time", "id": "at", "value": "09:30"},
    {"type": "Input.Toggle", "id": "share", "title": "Share with my manager"},
    {
        "type": "Input.ChoiceSet",
        "id": "skills",
        "isMultiSelect": True,
        "style": "expanded",
        "choices": [{"title": "Discovery", "value": "d"}, {"title": "Closing", "value": "c"}],
    },
    actions=[
        {"type": "Action.Submit", "title": "Save", "data": {"step": "save"}},
        {
            "type": "Action.Submit",
            "title": "Skip",
            "associatedInputs": "none",
            "data": {"step": "skip"},
        },
        {"type": "Action.Submit", "title": "Raw", "data": "raw-string"},
        {
            "type": "Action.ShowCard",
            "title": "More",
            "card": card(
                {"type": "Input.Text", "id": "extra"},
                actions=[{"type": "Action.Execute", "title": "Send more", "verb": "more"}],
            ),
        },
    ],
)


def press(title: str, values: dict[str, Any] | None = None) -> tuple[Any, dict[str, str]]:
    return submission(find_action(FORM, title), values)


def test_the_form_itself_is_a_valid_card() -> None:
    assert validate_card(FORM) == []


def test_every_input_is_sent_as_a_string_over_the_actions_data() -> None:
    data, errors = press(
        "Save",
        {
            "note": "good week",
            "code": "ABC",
            "score": 4,
            "day": dt.date(2026, 3, 2),
            "share": True,
            "skills": ["Discovery", "c"],
        },
    )
    assert errors == {}
    assert data == {
        "step": "save",
        "note": "good week",
        "code": "ABC",
        "score": "4",
        "day": "2026-03-02",
        "at": "09:30",
        "share": "true",
        "skills": "d,c",
    }


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({}, {"note": "This field is required."}),
        ({"note": "x", "code": "abc"}, {"code": "Three capitals"}),
        ({"note": "x", "score": 9}, {"score": "This value is not valid."}),
        ({"note": "x", "day": "02/03/2026"}, {"day": "This value is not valid."}),
        ({"note": "x", "at": "25:00"}, {"at": "This value is not valid."}),
    ],
)
def test_the_client_refuses_what_the_inputs_do_not_allow(
    values: dict[str, Any], errors: dict[str, str]
) -> None:
    assert press("Save", values)[1] == errors


def test_associated_inputs_none_and_string_data() -> None:
    assert press("Skip") == ({"step": "skip"}, {})  # no inputs, so no required one missing
    assert press("Raw", {"note": "x"}) == ("raw-string", {})


def test_a_button_inside_a_show_card_gathers_its_own_and_its_parents_inputs() -> None:
    found = find_action(FORM, "Send more")
    assert [c.get("type") for c in found.chain] == ["AdaptiveCard", "AdaptiveCard"]
    data, errors = submission(found, {"note": "n", "extra": "e"})
    assert errors == {}
    assert isinstance(data, dict) and data["extra"] == "e" and data["note"] == "n"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"skills": ["Negotiation"]}, "no choice 'Negotiation'"),
        ({"share": "maybe"}, "toggle 'share'"),
        ({"unknown": "x"}, "no input"),
    ],
)
def test_a_person_cannot_give_what_the_card_does_not_offer(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(DriverError, match=message):
        press("Save", {"note": "x", **values})


def test_a_single_choice_takes_one_value() -> None:
    single = card(
        {"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "A", "value": "a"}]},
        actions=[{"type": "Action.Submit", "title": "Go"}],
    )
    with pytest.raises(DriverError, match="takes one choice"):
        submission(find_action(single, "Go"), {"c": ["a", "a"]})


def test_a_card_renders_as_what_a_person_reads() -> None:
    summary = card(
        text_block("Weekly check-in", weight="Bolder"),
        {"type": "FactSet", "facts": [{"title": "Skill", "value": "Discovery"}]},
        {"type": "Image", "url": "https://e.x/a.png", "altText": "chart"},
        text_block("hidden", isVisible=False),
        {
            "type": "Table",
            "rows": [
                {
                    "type": "TableRow",
                    "cells": [
                        {"type": "TableCell", "items": [text_block("a")]},
                        {"type": "TableCell", "items": [text_block("b")]},
                    ],
                }
            ],
        },
        {"type": "Input.Toggle", "id": "t", "title": "Share", "value": "true"},
        actions=[
            {"type": "Action.Execute", "title": "Approve"},
            {"type": "Action.Submit", "title": "Later"},
        ],
    )
    assert render_card(summary) == "\n".join(
        [
            "Weekly check-in",
            "Skill: Discovery",
            "[image: chart]",
            "a | b",
            "[x] Share",
            "[ Approve ]  [ Later ]",
        ]
    )
    assert card_texts(summary) == ["Weekly check-in", "Skill: Discovery", "[image: chart]", "a | b"]


def test_inputs_render_with_their_values_and_errors() -> None:
    shown = render_card(FORM, {"skills": "c", "note": ""}, {"note": "This field is required."})
    assert "Note *: []\n  ! This field is required." in shown
    assert "  ( ) Discovery\n  (o) Closing" in shown


def test_message_size_counts_utf16_and_leaves_base64_images_out() -> None:
    assert message_size({"text": "é"}) == len('{"text":"é"}') * 2
    with_image = {"url": "data:image/png;base64," + "A" * 1000}
    assert message_size(with_image) == len('{"url":""}') * 2
