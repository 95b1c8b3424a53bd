"""Slack's URL input (``url_text_input``) as its reference describes it: an input block's
element in a modal, with an initial value and a placeholder and none of a plain text
input's length bounds or lines; not an element of an ``actions`` block. Checked with the
pure function and through HTTP (``views.open`` answers ``invalid_arguments``)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulators.slack import SlackEmulator
from emulators.slack.blockkit import validate_view
from tests.emulator import ALICE, actions, input_block, modal, text


def url_input(**extra: Any) -> dict[str, Any]:
    return {"type": "url_text_input", "action_id": "link", **extra}


def link_modal(element: dict[str, Any]) -> dict[str, Any]:
    return modal("Preuve", [input_block("Lien", element, "ev_link", optional=True)])


def test_a_url_input_with_its_reference_fields_is_accepted_in_a_modal(
    emulator: SlackEmulator, web: WebClient
) -> None:
    view = link_modal(
        url_input(initial_value="https://crm.acme.fr/deals/42", placeholder=text("https://…"))
    )

    assert validate_view(view) == []
    assert web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=view)["ok"]


@pytest.mark.parametrize(
    ("field", "value"), [("max_length", 3000), ("min_length", 1), ("multiline", True)]
)
def test_a_url_input_takes_no_plain_text_bounds(
    emulator: SlackEmulator, web: WebClient, field: str, value: Any
) -> None:
    view = link_modal(url_input(**{field: value}))

    (problem,) = validate_view(view)
    assert problem.pointer == f"/view/blocks/0/element/{field}"
    with pytest.raises(SlackApiError) as failure:
        web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=view)
    assert failure.value.response["error"] == "invalid_arguments"


def test_a_url_input_is_no_element_of_an_actions_block() -> None:
    view = modal("Preuve", [actions(url_input())], submit=None)

    (problem,) = validate_view(view)
    assert problem.pointer == "/view/blocks/0/elements/0/type"
