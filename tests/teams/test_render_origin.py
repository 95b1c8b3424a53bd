"""What a Teams card carries back with a click (its state: a Home's page), and what a
dialog carries back beside its form (the card it was opened from)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.i18n.rich import literal
from bot.views.cards import (
    Actions,
    Button,
    Card,
    Choice,
    ChoiceField,
    Confirm,
    Form,
    Heading,
    TextField,
)
from handlers.teams.render import Renderer

RENDER = Renderer(dialog_actions={"home.pause"})


def _actions(element: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(element, dict):
        if str(element.get("type", "")).startswith("Action."):
            found.append(element)
        for value in element.values():
            found.extend(_actions(value))
    elif isinstance(element, list):
        for item in element:
            found.extend(_actions(item))
    return found


def _card(state: str) -> Card:
    confirm = Confirm(literal("Sure?"), literal("Gone for good."), literal("Delete"), literal("No"))
    buttons = (
        Button(literal("Older"), "home.evidence.older", "1"),
        Button(literal("Pause"), "home.pause", "pause"),
        Button(literal("Delete"), "home.evidence.delete", "7", confirm=confirm, key="7"),
    )
    return Card(literal("Home"), (Heading(literal("Home")), Actions("home", buttons)), state=state)


def test_the_cards_state_goes_with_every_button_that_reaches_the_bot() -> None:
    rendered = RENDER.card(_card('{"page": 2}'))
    found = {a["title"]: a for a in _actions(rendered)}
    assert found["Older"]["data"] == {
        "action": "home.evidence.older",
        "value": "1",
        "state": '{"page": 2}',
    }
    assert found["Pause"]["type"] == "Action.Submit"  # a dialog: its task/fetch says it too
    assert found["Pause"]["data"]["state"] == '{"page": 2}'
    assert found["Pause"]["data"]["msteams"] == {"type": "task/fetch"}
    delete = [a for a in _actions(rendered) if a["title"] == "Delete"]
    assert [a["type"] for a in delete] == ["Action.ShowCard", "Action.Execute"]
    assert "data" not in delete[0] and delete[1]["data"]["state"] == '{"page": 2}'


def test_a_card_without_state_carries_none() -> None:
    rendered = RENDER.card(_card(""))
    assert all("state" not in a.get("data", {}) for a in _actions(rendered))


def test_a_dialog_carries_back_where_it_was_opened_from() -> None:
    form = Form("home.pause_form", literal("Pause"), literal("Cancel"), (), literal("Save"), "s")
    field = TextField("note", literal("Note"))
    plain = RENDER.dialog(replace(form, blocks=(field,)))
    assert plain["card"]["actions"][0]["data"] == {"form": "home.pause_form", "state": "s"}
    opened = RENDER.dialog(form, origin='{"message": "1:abc", "page": 1}')
    assert opened["card"]["actions"][0]["data"] == {
        "form": "home.pause_form",
        "state": "s",
        "origin": '{"message": "1:abc", "page": 1}',
    }


def test_a_dialogs_refresh_carries_its_origin_too() -> None:
    choice = ChoiceField(
        "evidence.competency",
        literal("Competency"),
        (Choice("c1", literal("One")), Choice("c2", literal("Two"))),
        refresh=True,
        refresh_label=literal("Show its criteria"),
    )
    form = Form("evidence.form", literal("Evidence"), literal("Cancel"), (choice,), literal("Save"))
    rendered = RENDER.dialog(form, origin="home")
    datas = {a["title"]: a["data"] for a in _actions(rendered)}
    assert datas["Show its criteria"]["origin"] == datas["Save"]["origin"] == "home"
    assert datas["Show its criteria"]["refresh"] == "evidence.competency"
