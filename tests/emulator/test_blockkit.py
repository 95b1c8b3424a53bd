"""Block Kit limits: each one just within (accepted) and just over (Slack's error).

Every case is checked twice: with the pure functions of ``blockkit`` and through
HTTP, where the emulator must answer like Slack (``invalid_blocks`` with
``errors`` and ``response_metadata.messages`` for messages, ``invalid_arguments``
for views).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulators.slack import ManualClock, SlackEmulator
from emulators.slack.blockkit import (
    Violation,
    check_message_text,
    validate_blocks,
    validate_message,
    validate_view,
    view_size,
)
from tests.emulator import (
    ALICE,
    actions,
    add_people,
    button,
    client,
    home,
    input_block,
    modal,
    option,
    section,
    text,
)

Payload = Any  # a list of blocks (message) or a view dict (modal, home)


@dataclass(frozen=True)
class Limit:
    """One limit: ``build(n)`` makes a payload at size ``n``; ``within`` passes, ``over`` fails."""

    id: str
    surface: str  # message | attachment (blocks in chat.postMessage's attachments) | modal | home
    build: Callable[[int], Payload]
    within: int
    over: int
    pointer: str
    message: str
    error: str = ""  # top-level error; default by surface


def n_blocks(n: int) -> list[dict[str, Any]]:
    return [section(f"ligne {i}") for i in range(n)]


def in_modal(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return modal("Check-in", blocks)


def radio(n: int) -> dict[str, Any]:
    return {
        "type": "radio_buttons",
        "action_id": "level",
        "options": [option(f"Niveau {i}", f"l{i}") for i in range(n)],
    }


def checkboxes(n: int) -> dict[str, Any]:
    return {
        "type": "checkboxes",
        "action_id": "criteria",
        "options": [option(f"Critère {i}", f"c{i}") for i in range(n)],
    }


def static_select(n: int) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": "competency",
        "placeholder": text("Choisir"),
        "options": [option(f"C{i}", f"c{i}") for i in range(n)],
    }


def grouped_select(n: int) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": "competency",
        "option_groups": [
            {"label": text(f"Bloc {i}"), "options": [option(f"C{i}", f"c{i}")]} for i in range(n)
        ],
    }


def table(rows: int, cells: int = 2) -> dict[str, Any]:
    return {
        "type": "table",
        "rows": [
            [{"type": "raw_text", "text": f"{r}.{c}"} for c in range(cells)] for r in range(rows)
        ],
    }


def text_input(**extra: Any) -> dict[str, Any]:
    return {"type": "plain_text_input", "action_id": "evidence", **extra}


LIMITS = [
    Limit(
        "message-blocks", "message", n_blocks, 50, 51, "/blocks", "no more than 50 items allowed"
    ),
    Limit(
        "modal-blocks",
        "modal",
        lambda n: in_modal(n_blocks(n)),
        100,
        101,
        "/view/blocks",
        "no more than 100 items allowed",
    ),
    Limit(
        "home-blocks",
        "home",
        lambda n: home(n_blocks(n)),
        100,
        101,
        "/view/blocks",
        "no more than 100 items allowed",
    ),
    Limit(
        "section-text",
        "message",
        lambda n: [section("a" * n)],
        3000,
        3001,
        "/blocks/0/text/text",
        "must be less than 3001 characters",
    ),
    Limit(
        "section-fields-count",
        "message",
        lambda n: [{"type": "section", "fields": [text("f") for _ in range(n)]}],
        10,
        11,
        "/blocks/0/fields",
        "no more than 10 items allowed",
    ),
    Limit(
        "section-field-text",
        "message",
        lambda n: [{"type": "section", "fields": [text("a" * n, "mrkdwn")]}],
        2000,
        2001,
        "/blocks/0/fields/0/text",
        "must be less than 2001 characters",
    ),
    Limit(
        "header-text",
        "message",
        lambda n: [{"type": "header", "text": text("a" * n)}],
        150,
        151,
        "/blocks/0/text/text",
        "must be less than 151 characters",
    ),
    Limit(
        "context-elements",
        "message",
        lambda n: [{"type": "context", "elements": [text(f"{i}") for i in range(n)]}],
        10,
        11,
        "/blocks/0/elements",
        "no more than 10 items allowed",
    ),
    Limit(
        "actions-elements",
        "message",
        lambda n: [actions(*(button(f"B{i}", f"b{i}") for i in range(n)))],
        25,
        26,
        "/blocks/0/elements",
        "no more than 25 items allowed",
    ),
    Limit(
        "block-id",
        "message",
        lambda n: [section("x", block_id="b" * n)],
        255,
        256,
        "/blocks/0/block_id",
        "must be less than 256 characters",
    ),
    Limit(
        "action-id",
        "message",
        lambda n: [actions(button("Go", "a" * n))],
        255,
        256,
        "/blocks/0/elements/0/action_id",
        "must be less than 256 characters",
    ),
    Limit(
        "callback-id",
        "modal",
        lambda n: modal("Check-in", [section("x")], callback_id="c" * n),
        255,
        256,
        "/view/callback_id",
        "must be less than 256 characters",
    ),
    Limit(
        "text-input-max-length",
        "modal",
        lambda n: in_modal([input_block("Preuve", text_input(max_length=n), "ev")]),
        3000,
        3001,
        "/view/blocks/0/element/max_length",
        "must be between 1 and 3000",
    ),
    Limit(
        "text-input-max-length-floor",
        "modal",
        lambda n: in_modal([input_block("Preuve", text_input(max_length=n), "ev")]),
        1,
        0,
        "/view/blocks/0/element/max_length",
        "must be between 1 and 3000",
    ),
    Limit(
        "static-select-options",
        "message",
        lambda n: [actions(static_select(n))],
        100,
        101,
        "/blocks/0/elements/0/options",
        "no more than 100 items allowed",
    ),
    Limit(
        "static-select-option-groups",
        "message",
        lambda n: [actions(grouped_select(n))],
        100,
        101,
        "/blocks/0/elements/0/option_groups",
        "no more than 100 items allowed",
    ),
    Limit(
        "radio-options",
        "modal",
        lambda n: in_modal([input_block("Niveau", radio(n), "level")]),
        10,
        11,
        "/view/blocks/0/element/options",
        "no more than 10 items allowed",
    ),
    Limit(
        "checkbox-options",
        "modal",
        lambda n: in_modal([input_block("Critères", checkboxes(n), "crit")]),
        10,
        11,
        "/view/blocks/0/element/options",
        "no more than 10 items allowed",
    ),
    Limit(
        "option-text",
        "message",
        lambda n: [actions({**static_select(1), "options": [option("a" * n, "v")]})],
        75,
        76,
        "/blocks/0/elements/0/options/0/text/text",
        "must be less than 76 characters",
    ),
    Limit(
        "option-value",
        "message",
        lambda n: [actions({**static_select(1), "options": [option("a", "v" * n)]})],
        150,
        151,
        "/blocks/0/elements/0/options/0/value",
        "must be less than 151 characters",
    ),
    Limit(
        "option-description",
        "modal",
        lambda n: in_modal(
            [input_block("Niveau", {**radio(1), "options": [option("a", "v", "d" * n)]}, "lvl")]
        ),
        75,
        76,
        "/view/blocks/0/element/options/0/description/text",
        "must be less than 76 characters",
    ),
    Limit(
        "button-text",
        "message",
        lambda n: [actions(button("a" * n, "go"))],
        75,
        76,
        "/blocks/0/elements/0/text/text",
        "must be less than 76 characters",
    ),
    Limit(
        "button-value",
        "message",
        lambda n: [actions(button("Go", "go", "v" * n))],
        2000,
        2001,
        "/blocks/0/elements/0/value",
        "must be less than 2001 characters",
    ),
    Limit(
        "button-url",
        "message",
        lambda n: [actions(button("Go", "go", url="https://x.example/" + "p" * (n - 18)))],
        3000,
        3001,
        "/blocks/0/elements/0/url",
        "must be less than 3001 characters",
    ),
    Limit(
        "modal-title",
        "modal",
        lambda n: modal("t" * n, [section("x")]),
        24,
        25,
        "/view/title/text",
        "must be less than 25 characters",
    ),
    Limit(
        "modal-submit",
        "modal",
        lambda n: modal("Check-in", [section("x")], submit="s" * n),
        24,
        25,
        "/view/submit/text",
        "must be less than 25 characters",
    ),
    Limit(
        "modal-close",
        "modal",
        lambda n: {**modal("Check-in", [section("x")]), "close": text("c" * n)},
        24,
        25,
        "/view/close/text",
        "must be less than 25 characters",
    ),
    Limit(
        "private-metadata",
        "modal",
        lambda n: modal("Check-in", [section("x")], private_metadata="m" * n),
        3000,
        3001,
        "/view/private_metadata",
        "must be less than 3001 characters",
    ),
    Limit(
        "table-rows",
        "attachment",
        lambda n: [table(n)],
        100,
        101,
        "/attachments/0/blocks/0/rows",
        "no more than 100 items allowed",
    ),
    Limit(
        "table-cells",
        "attachment",
        lambda n: [table(1, n)],
        20,
        21,
        "/attachments/0/blocks/0/rows/0",
        "no more than 20 items allowed",
        error="invalid_attachments",
    ),
    Limit(
        "one-table-per-message",
        "attachment",
        lambda n: [table(1) for _ in range(n)],
        1,
        2,
        "/attachments/0/blocks/1",
        "only_one_table_allowed",
        error="invalid_attachments",
    ),
    Limit(
        "unique-action-ids-in-a-message",
        "message",
        lambda n: [actions(button("A", "go")), actions(button("B", "go" if n > 1 else "other"))],
        1,
        2,
        "/blocks/1/elements/0/action_id",
        "duplicate action_id: go",
    ),
    Limit(
        "unique-action-ids-in-a-view",
        "modal",
        lambda n: in_modal(
            [
                input_block("A", text_input(), "a"),
                input_block("B", {**text_input(), "action_id": "evidence" if n > 1 else "x"}, "b"),
            ]
        ),
        1,
        2,
        "/view/blocks/1/element/action_id",
        "duplicate action_id: evidence",
    ),
]


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=ManualClock()) as emu:
        add_people(emu)
        yield emu


@pytest.fixture
def web(emulator: SlackEmulator) -> WebClient:
    return client(emulator)


def validate(limit: Limit, payload: Payload) -> list[Violation]:
    if limit.surface == "message":
        return validate_blocks(payload)
    if limit.surface == "attachment":
        return validate_message(None, [{"blocks": payload}], tables_allowed=True)
    return validate_view(payload)


def send(emulator: SlackEmulator, web: WebClient, limit: Limit, payload: Payload) -> Any:
    if limit.surface == "message":
        return web.chat_postMessage(channel=ALICE, text="fallback", blocks=payload)
    if limit.surface == "attachment":
        return web.chat_postMessage(
            channel=ALICE, text="fallback", attachments=[{"blocks": payload}]
        )
    if limit.surface == "home":
        return web.views_publish(user_id=ALICE, view=payload)
    return web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=payload)


@pytest.mark.parametrize("limit", LIMITS, ids=[limit.id for limit in LIMITS])
def test_just_within_the_limit_passes(limit: Limit) -> None:
    assert validate(limit, limit.build(limit.within)) == []


@pytest.mark.parametrize("limit", LIMITS, ids=[limit.id for limit in LIMITS])
def test_just_over_the_limit_names_the_field(limit: Limit) -> None:
    problems = validate(limit, limit.build(limit.over))

    assert [(v.pointer, v.message.split(" (first at")[0]) for v in problems] == [
        (limit.pointer, limit.message)
    ]


@pytest.mark.parametrize("limit", LIMITS, ids=[limit.id for limit in LIMITS])
def test_slack_error_over_http(emulator: SlackEmulator, web: WebClient, limit: Limit) -> None:
    assert send(emulator, web, limit, limit.build(limit.within))["ok"]

    with pytest.raises(SlackApiError) as failure:
        send(emulator, web, limit, limit.build(limit.over))

    answer = failure.value.response.data
    assert isinstance(answer, dict)
    messages = answer["response_metadata"]["messages"]
    assert all(m.startswith("[ERROR] ") and "[json-pointer:/" in m for m in messages)
    assert any(limit.message in m and f"[json-pointer:{limit.pointer}" in m for m in messages)
    if limit.surface in ("message", "attachment"):
        default = "invalid_blocks" if limit.surface == "message" else "invalid_attachments"
        assert answer["error"] == (limit.error or default)
        assert answer["errors"] == [m.removeprefix("[ERROR] ") for m in messages]
    else:
        assert answer["error"] == "invalid_arguments"


def test_refused_payloads_change_nothing(emulator: SlackEmulator, web: WebClient) -> None:
    with pytest.raises(SlackApiError):
        web.chat_postMessage(channel=ALICE, text="x", blocks=n_blocks(51))
    with pytest.raises(SlackApiError):
        web.views_publish(user_id=ALICE, view=home(n_blocks(101)))

    assert emulator.dm_messages(ALICE) == []
    assert emulator.home_view(ALICE) is None


def test_updates_and_ephemerals_are_checked_too(emulator: SlackEmulator, web: WebClient) -> None:
    posted = web.chat_postMessage(channel=ALICE, text="x")
    with pytest.raises(SlackApiError) as update:
        web.chat_update(channel=posted["channel"], ts=posted["ts"], text="x", blocks=n_blocks(51))
    with pytest.raises(SlackApiError) as ephemeral:
        web.chat_postEphemeral(channel=posted["channel"], user=ALICE, text="x", blocks=n_blocks(51))

    assert update.value.response["error"] == ephemeral.value.response["error"] == "invalid_blocks"


def test_a_table_goes_only_in_the_attachments_of_chat_post_message(
    emulator: SlackEmulator, web: WebClient
) -> None:
    """Slack's table block reference: a table is sent in the ``attachments`` field of
    chat.postMessage, one per message. Anywhere else Slack would refuse it, so the
    emulator does too: top-level blocks, ephemerals, updates, response_url posts, views."""
    posted = web.chat_postMessage(channel=ALICE, text="x", attachments=[{"blocks": [table(3)]}])
    assert posted["message"]["attachments"] == [{"blocks": [table(3)]}]

    with pytest.raises(SlackApiError) as top_level:
        web.chat_postMessage(channel=ALICE, text="x", blocks=[table(3)])
    assert top_level.value.response["error"] == "invalid_blocks"
    assert "[json-pointer:/blocks/0/type]" in top_level.value.response["errors"][0]
    with pytest.raises(SlackApiError) as second:
        web.chat_postMessage(
            channel=ALICE, text="x", attachments=[{"blocks": [table(1)]}, {"blocks": [table(1)]}]
        )
    assert second.value.response["error"] == "invalid_attachments"
    assert "only_one_table_allowed" in second.value.response["errors"][0]
    with pytest.raises(SlackApiError) as ephemeral:
        web.chat_postEphemeral(
            channel=posted["channel"], user=ALICE, text="x", attachments=[{"blocks": [table(1)]}]
        )
    assert ephemeral.value.response["error"] == "invalid_attachments"
    with pytest.raises(SlackApiError) as update:
        web.chat_update(
            channel=posted["channel"],
            ts=posted["ts"],
            text="x",
            attachments=[{"blocks": [table(1)]}],
        )
    assert update.value.response["error"] == "invalid_attachments"
    for view in (modal("Équipe", [table(1)]), home([table(1)])):
        assert [v.pointer for v in validate_view(view)] == ["/view/blocks/0/type"]
    assert emulator.dm_messages(ALICE)[-1].ts == posted["ts"]  # nothing else was posted


def test_a_table_in_a_response_url_post_is_refused(emulator: SlackEmulator) -> None:
    """A slash command's response_url is not chat.postMessage: no table, in blocks or
    attachments, and the asker sees nothing."""
    url = emulator.issue_response_url(ALICE, emulator.dm_channel_id(ALICE))
    url_id = url.rsplit("/", 1)[-1]
    answers = [
        emulator.handle_response_url(url_id, {"text": "x", "blocks": [table(2)]}),
        emulator.handle_response_url(
            url_id, {"text": "x", "attachments": [{"blocks": [table(2)]}]}
        ),
    ]
    assert answers == [(400, "invalid_blocks"), (400, "invalid_attachments")]
    assert emulator.ephemerals_for(ALICE) == []


def test_input_blocks_belong_in_modals_and_home_not_messages(
    emulator: SlackEmulator, web: WebClient
) -> None:
    field = input_block("Preuve", text_input(), "ev")

    assert validate_view(in_modal([field])) == []
    assert validate_view(home([field])) == []
    (problem,) = validate_blocks([field])
    assert problem.pointer == "/blocks/0/type"
    with pytest.raises(SlackApiError) as failure:
        web.chat_postMessage(channel=ALICE, text="x", blocks=[field])
    assert failure.value.response["error"] == "invalid_blocks"


def test_a_modal_with_inputs_needs_a_submit_button() -> None:
    (problem,) = validate_view(
        modal("Check-in", [input_block("Preuve", text_input(), "ev")], submit=None)
    )

    assert str(problem) == (
        "must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/0/input]"
    )


def test_titles_and_buttons_must_be_plain_text() -> None:
    view = {**modal("Check-in", [section("x")]), "title": text("*Check-in*", "mrkdwn")}
    blocks = [actions({**button("Go", "go"), "text": text("*Go*", "mrkdwn")})]

    assert [v.pointer for v in validate_view(view)] == ["/view/title/type"]
    assert [v.pointer for v in validate_blocks(blocks)] == ["/blocks/0/elements/0/text/type"]


def test_empty_texts_and_unknown_types_are_refused() -> None:
    problems = validate_blocks([section(""), {"type": "carousel_of_dreams"}])

    assert [str(p) for p in problems] == [
        "must be more than 0 characters [json-pointer:/blocks/0/text/text]",
        "unsupported type: carousel_of_dreams [json-pointer:/blocks/1/type]",
    ]


def test_duplicate_block_ids_are_refused() -> None:
    problems = validate_blocks([section("a", block_id="x"), section("b", block_id="x")])

    assert [p.pointer for p in problems] == ["/blocks/1/block_id"]


def test_message_text_limit() -> None:
    assert check_message_text("x" * 40_000) is None
    assert check_message_text("x" * 40_001) == "msg_too_long"
    assert check_message_text(None) is None


def test_a_view_over_250_kb_is_too_large(emulator: SlackEmulator, web: WebClient) -> None:
    # Within every per-field limit, but 100 sections of 3,000 characters weigh ~300 kB.
    heavy = home([section("é" * 1400) for _ in range(100)])
    assert validate_view(heavy) == []
    assert view_size(heavy) > 250_000

    with pytest.raises(SlackApiError) as failure:
        web.views_publish(user_id=ALICE, view=heavy)
    assert failure.value.response["error"] == "view_too_large"


def test_a_non_list_blocks_value_is_invalid_blocks_format(web: WebClient) -> None:
    with pytest.raises(SlackApiError) as failure:
        web.api_call("chat.postMessage", json={"channel": ALICE, "text": "x", "blocks": {"a": 1}})
    assert failure.value.response["error"] == "invalid_blocks_format"
