"""The Teams renderer and what a card carries back: its state goes with each of its
actions (a confirmation's own included), and whether a card shows whole is known before
it is sent; a person known only by id is called by the name Palier has for them."""

from __future__ import annotations

from typing import Any

from bot.i18n.rich import Mention, Rich, literal
from bot.views.cards import (
    Actions,
    Align,
    Button,
    Card,
    Column,
    Confirm,
    Paragraph,
    Table,
)
from handlers.teams.render import CARD_BYTES_LIMIT, Renderer, card_size
from handlers.teams.text import text_runs

RENDER = Renderer(dialog_actions={"review.open"})


def _actions(element: Any) -> list[dict[str, Any]]:
    """Every Execute and Submit action in ``element``, however deep."""
    if isinstance(element, list):
        return [action for item in element for action in _actions(item)]
    if not isinstance(element, dict):
        return []
    found = [a for v in element.values() for a in _actions(v)]
    if element.get("type") in ("Action.Execute", "Action.Submit"):
        found.append(element)
    return found


def test_a_cards_state_goes_with_each_of_its_actions() -> None:
    confirm = Confirm(literal("Sure?"), literal("Really"), literal("Yes"), literal("No"))
    card = Card(
        literal("A list"),
        (
            Paragraph((literal("Alice"),), button=Button(literal("Review"), "review.open", "4")),
            Actions(
                "pages",
                (
                    Button(literal("Next"), "review.page", "1"),
                    Button(literal("Done"), "one_on_one.done", "x", confirm=confirm),
                ),
            ),
        ),
        state='{"page": 0}',
    )
    actions = _actions(RENDER.card(card))
    assert len(actions) == 3  # the dialog's opener, Next, and the confirmation's own
    assert all(a["data"]["state"] == '{"page": 0}' for a in actions)
    opener = next(a for a in actions if a["type"] == "Action.Submit")
    assert opener["data"]["msteams"] == {"type": "task/fetch"}  # still opens the dialog
    stateless = RENDER.card(Card(card.fallback, card.blocks))
    assert not any("state" in a["data"] for a in _actions(stateless))


def test_whether_a_card_shows_whole_is_known_before_it_is_sent() -> None:
    columns = (Column(literal("Who")), Column(literal("What"), Align.RIGHT))

    def table(rows: int) -> Card:
        cells = tuple((f"Person {n}", "x" * 40) for n in range(rows))
        return Card(literal("Team"), (Table(columns, cells),))

    assert RENDER.fits(table(10))
    large = table(400)
    assert not RENDER.fits(large)
    assert card_size(RENDER.card(large)) <= CARD_BYTES_LIMIT  # what is sent is cut to fit
    assert CARD_BYTES_LIMIT < 100 * 1024  # within the 100 KB Teams allows a bot's message


def test_someone_known_by_id_only_is_called_by_the_name_palier_has() -> None:
    runs = text_runs(Rich("1:1 with {name}", {"name": Mention("aad-1", known_as="Emma **Ng**")}))
    assert [run["text"] for run in runs] == ["1:1 with ", "Emma **Ng**"]
    assert text_runs(Rich("{n}", {"n": Mention("aad-1", "Em", known_as="Emma")}))[0]["text"] == "Em"
    assert text_runs(Rich("{n}", {"n": Mention("aad-1")}))[0]["text"] == "aad-1"
