"""The Slack renderer of neutral forms, tables and keyed buttons: Slack's limits and ids
are applied here, whatever the core gives."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n.rich import Plain, Rich, Typed, literal
from bot.views.cards import (
    Actions,
    Align,
    Button,
    Card,
    Choice,
    ChoiceField,
    ChoiceGroup,
    ChoiceStyle,
    Column,
    Confirm,
    DateField,
    Divider,
    Form,
    Heading,
    Listing,
    Note,
    Paragraph,
    Table,
    TextField,
    TimeField,
    field_id,
)
from handlers.slack import ids
from handlers.slack.render import card_blocks, card_tables, form_view, home_view


@pytest.fixture(autouse=True)
def _names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ids.FORM_IDS, "test.form", "test_submit")
    monkeypatch.setitem(ids.FIELD_IDS, "test.text", ("t_block", "t_action"))
    monkeypatch.setitem(ids.FIELD_IDS, "test.choice", ("c_block", "c_action"))
    monkeypatch.setitem(ids.FIELD_IDS, "test.day", ("d_block", "d_action"))
    monkeypatch.setitem(ids.FIELD_IDS, "test.time", ("h_block", "h_action"))
    monkeypatch.setitem(ids.ACTION_IDS, "test.open", "open_it")
    monkeypatch.setitem(ids.BLOCK_IDS, "test.row", "row_block")


def _form(*fields: object, title: str = "Check-in") -> Form:
    return Form(
        name="test.form",
        title=literal(title),
        close=literal("Close"),
        submit=literal("Save"),
        state='{"id": 1}',
        blocks=tuple(fields),  # type: ignore[arg-type]
    )


def test_each_field_becomes_the_input_its_kind_asks_for_with_keyed_ids() -> None:
    levels = (
        Choice("junior", literal("Junior"), literal("Débute")),
        Choice("senior", literal("Senior")),
    )
    view = form_view(
        _form(
            ChoiceField(
                "test.choice", literal("Level"), levels, key="prospection", initial=("senior",)
            ),
            TextField(
                "test.text", literal("Evidence"), optional=True, multiline=True, max_length=5000
            ),
            DateField("test.day", literal("Until"), initial=date(2026, 12, 24)),
            TimeField(
                "test.time", literal("At"), initial=time(9, 5), optional=True, hint=literal("Local")
            ),
        )
    ).to_dict()
    assert view["callback_id"] == "test_submit" and view["private_metadata"] == '{"id": 1}'
    choice, text, day, at = view["blocks"]
    assert choice["block_id"] == "c_block:prospection"
    assert choice["element"]["type"] == "radio_buttons"
    assert choice["element"]["action_id"] == "c_action:prospection"
    assert choice["element"]["initial_option"]["value"] == "senior"
    assert choice["element"]["options"][0]["description"]["text"] == "Débute"
    assert text["optional"] is True and text["element"]["multiline"] is True
    assert text["element"]["max_length"] == 3000  # Slack's ceiling, whatever the core asks
    assert day["element"] == {
        "type": "datepicker",
        "action_id": "d_action",
        "initial_date": "2026-12-24",
    }
    assert at["element"]["initial_time"] == "09:05" and at["hint"]["text"] == "Local"
    assert field_id(ChoiceField("test.choice", literal("x"), key="k")) == "test.choice:k"


def test_a_menu_of_groups_and_a_set_of_boxes() -> None:
    groups = (
        ChoiceGroup(literal("Bloc 1"), (Choice("a", literal("A")),)),
        ChoiceGroup(literal("Bloc 2"), (Choice("b", literal("B")), Choice("c", literal("C")))),
    )
    menu = ChoiceField(
        "test.choice",
        literal("Competency"),
        groups=groups,
        style=ChoiceStyle.MENU,
        initial=("b",),
        placeholder=literal("Pick"),
        refresh=True,
    )
    boxes = ChoiceField(
        "test.text",
        literal("Share"),
        (Choice("yes", literal("Share it")),),
        style=ChoiceStyle.SEVERAL,
        optional=True,
    )
    first, second = form_view(_form(menu, boxes)).to_dict()["blocks"]
    assert first["dispatch_action"] is True
    assert [g["label"]["text"] for g in first["element"]["option_groups"]] == ["Bloc 1", "Bloc 2"]
    assert first["element"]["initial_option"]["value"] == "b"
    assert second["element"]["type"] == "checkboxes"
    assert "initial_options" not in second["element"]


@given(st.text(min_size=1, max_size=400), st.text(min_size=1, max_size=400))
def test_slacks_limits_are_kept_whatever_the_words(label: str, title: str) -> None:
    field = ChoiceField(
        "test.choice",
        Rich("{x}", {"x": Typed(label)}),
        tuple(
            Choice(str(i), Rich("{x}", {"x": Typed(label)}), Rich("{x}", {"x": Typed(label)}))
            for i in range(150)
        ),
        style=ChoiceStyle.MENU,
        placeholder=Rich("{x}", {"x": Typed(label)}),
    )
    view = form_view(_form(field, title=title)).to_dict()  # to_dict validates Slack's limits
    assert len(view["title"]["text"]) <= 24
    assert len(view["blocks"][0]["element"]["options"]) == 100


def test_a_table_goes_to_the_attachments_and_never_has_an_empty_cell() -> None:
    table = Table(
        (
            Column(literal("Person"), wrap=True),
            Column(literal("Gap"), Align.CENTRE),
            Column(literal("N"), Align.RIGHT),
        ),
        (("Emma", "", "3"),),
    )
    card = Card(literal("Team"), (Paragraph((literal("Above"),)), table))
    assert [b.type for b in card_blocks(card)] == ["section"]
    (rendered,) = [t.to_dict() for t in card_tables(card)]
    assert [c["text"] for c in rendered["rows"][1]] == ["Emma", "–", "3"]
    assert rendered["column_settings"] == [
        {"is_wrapped": True},
        {"align": "center"},
        {"align": "right"},
    ]


def test_a_keyed_row_and_button_a_button_beside_text_and_a_confirmed_deletion() -> None:
    delete = Button(
        literal("Delete"),
        "test.open",
        "7",
        danger=True,
        key="7",
        confirm=Confirm(
            Rich("{x}", {"x": Typed("*mine*")}),
            Rich("{x}", {"x": Typed("*mine*")}),
            literal("Yes"),
            literal("No"),
            danger=True,
            literal=True,
        ),
    )
    beside = Button(literal("Review"), "test.open", "3", primary=True, key="3")
    card = Card(
        literal("x"),
        (
            Paragraph((literal("Emma: 2"),), button=beside),
            Actions("test.row", (delete,), key="7"),
            Note(literal("one"), more=(literal("two"),)),
        ),
    )
    section, row, note = (b.to_dict() for b in card_blocks(card))
    assert (
        section["accessory"]["action_id"] == "open_it:3"
        and section["accessory"]["style"] == "primary"
    )
    assert row["block_id"] == "row_block:7"
    button = row["elements"][0]
    assert button["action_id"] == "open_it:7" and button["style"] == "danger"
    assert button["confirm"]["text"] == {"type": "plain_text", "text": "*mine*"}
    assert button["confirm"]["style"] == "danger"
    assert [e["text"] for e in note["elements"]] == ["one", "two"]


@given(st.integers(min_value=0, max_value=80), st.integers(min_value=1, max_value=8))
def test_a_long_card_keeps_its_last_blocks_whole_however_many_sections_they_become(
    paragraphs: int, kept_sections: int
) -> None:
    # The kept paragraph is ``kept_sections`` sections long: all of them survive the cut.
    kept = Paragraph(tuple(literal(f"kept {i} " + "k" * 2990) for i in range(kept_sections)))
    body = tuple(Paragraph((literal(f"body {i}"),)) for i in range(paragraphs))
    card = Card(literal("x"), (*body, kept, Note(literal("last"))), keep_last=2)
    blocks = [b.to_dict() for b in card_blocks(card)]
    assert len(blocks) == min(paragraphs + kept_sections + 1, 50)
    texts = [b["text"]["text"] for b in blocks[:-1]]
    assert [t[:7] for t in texts[-kept_sections:]] == [f"kept {i} " for i in range(kept_sections)]
    assert blocks[-1]["type"] == "context"
    shown = len(texts) - kept_sections  # the first paragraphs, in order, as many as fit
    assert texts[:shown] == [f"body {i}" for i in range(shown)]


def test_a_row_in_one_piece_is_cut_not_split_so_the_rows_after_it_keep_their_place() -> None:
    long_line = Rich("{x}", {"x": Typed("word " * 700)})  # 3,500 characters
    rows = (literal("first line"), long_line)
    beside = Button(literal("Review"), "test.open", "3", key="3")
    card = Card(
        literal("x"),
        (
            Paragraph(rows),
            Paragraph(rows, one_piece=True),
            Paragraph(rows, button=beside, one_piece=True),
            Paragraph((literal("short"),), one_piece=True),
        ),
    )
    *split, cut, cut_beside, short = (b.to_dict() for b in card_blocks(card))
    assert len(split) == 3  # without one_piece: split at the line end, then the long line
    assert [len(b["text"]["text"]) for b in split] == [len("first line"), 3000, 500]
    assert len(cut["text"]["text"]) == 3000 and "accessory" not in cut
    assert cut["text"]["text"].startswith("first line\nword")
    assert len(cut_beside["text"]["text"]) == 3000
    assert cut_beside["accessory"]["action_id"] == "open_it:3"
    assert short == {"type": "section", "text": {"type": "mrkdwn", "text": "short"}}


def test_a_paragraph_too_long_for_a_section_shows_its_shorter_lines() -> None:
    link = Rich("[link]({url})", {"url": Plain("https://e.x/" + "a" * 3000)})
    paragraph = Paragraph((literal("Proof"), link), shorter=(literal("Proof"), literal("no link")))
    (section,) = (b.to_dict() for b in card_blocks(Card(literal("x"), (paragraph,))))
    assert section["text"]["text"] == "Proof\nno link"
    fits = Paragraph((literal("Proof"), literal("link")), shorter=(literal("cut"),))
    (section,) = (b.to_dict() for b in card_blocks(Card(literal("x"), (fits,))))
    assert section["text"]["text"] == "Proof\nlink"


def _listing(groups: int, lines: int, width: int) -> Listing:
    return Listing(
        tuple(
            Paragraph(tuple(literal(f"{g}.{n} " + "w" * width) for n in range(lines)))
            for g in range(groups)
        ),
        more=literal("and more: /palier me"),
    )


def test_a_home_tab_keeps_to_100_blocks_running_a_listing_together_or_cutting_it() -> None:
    tail = (Divider(), Note(literal("privacy")))
    # A paragraph each while there is room (more than a message's 50 blocks).
    roomy = Card(literal("x"), (Heading(literal("Home")), _listing(60, 1, 10), *tail), state="s")
    view = home_view(roomy, "home_id").to_dict()
    assert len(view["blocks"]) == 63 and view["private_metadata"] == "s"
    assert view["callback_id"] == "home_id" and view["type"] == "home"
    # Run together when a paragraph each would not fit: every line still shown.
    crowded = Card(literal("x"), (Heading(literal("Home")), _listing(150, 1, 10), *tail))
    blocks = home_view(crowded, "home_id").to_dict()["blocks"]
    assert len(blocks) == 4 and blocks[1]["text"]["text"].count("\n") == 149
    # Cut, saying where the rest is, when even run together it would not fit.
    huge = Card(literal("x"), (Heading(literal("Home")), _listing(150, 20, 200), *tail))
    blocks = home_view(huge, "home_id").to_dict()["blocks"]
    assert len(blocks) == 100
    assert blocks[-3]["elements"][0]["text"] == "and more: /palier me"
    assert blocks[-1]["elements"][0]["text"] == "privacy"
