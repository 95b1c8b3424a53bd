"""trigger_id rules (3 s, once) and the modal view stack, on a manual clock."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulators.slack import ManualClock, SlackEmulator
from tests.emulator import ALICE, BOB, add_people, client, modal, section


def open_error(web: WebClient, trigger_id: str) -> str:
    with pytest.raises(SlackApiError) as failure:
        web.views_open(trigger_id=trigger_id, view=modal("Check-in", [section("x")]))
    return str(failure.value.response["error"])


def test_a_trigger_is_valid_for_three_seconds(
    emulator: SlackEmulator, web: WebClient, clock: ManualClock
) -> None:
    on_time = emulator.issue_trigger(ALICE)
    late = emulator.issue_trigger(ALICE)

    clock.advance(3.0)
    assert web.views_open(trigger_id=on_time, view=modal("A", [section("x")]))["ok"]
    clock.advance(0.001)
    assert open_error(web, late) == "expired_trigger_id"


def test_the_ttl_is_configurable(clock: ManualClock) -> None:
    with SlackEmulator(clock=clock, trigger_ttl=10) as emulator:
        add_people(emulator)
        trigger = emulator.issue_trigger(ALICE)
        clock.advance(9)
        assert client(emulator).views_open(trigger_id=trigger, view=modal("A", []))["ok"]


def test_a_trigger_is_usable_once(emulator: SlackEmulator, web: WebClient) -> None:
    trigger = emulator.issue_trigger(ALICE)
    web.views_open(trigger_id=trigger, view=modal("A", [section("x")]))

    assert open_error(web, trigger) == "exchanged_trigger_id"


def test_unknown_or_foreign_triggers_are_invalid(emulator: SlackEmulator, web: WebClient) -> None:
    emulator.add_workspace("T0OTHER", "Other Co")
    emulator.add_user("U0OTTO", "otto", "Otto", None, team_id="T0OTHER")

    assert open_error(web, "12345.98765.abcdef") == "invalid_trigger_id"
    assert open_error(web, emulator.issue_trigger("U0OTTO")) == "invalid_trigger_id"


def test_a_refused_view_does_not_use_up_the_trigger(
    emulator: SlackEmulator, web: WebClient
) -> None:
    trigger = emulator.issue_trigger(ALICE)
    with pytest.raises(SlackApiError):
        web.views_open(trigger_id=trigger, view=modal("t" * 25, [section("x")]))

    assert web.views_open(trigger_id=trigger, view=modal("Check-in", [section("x")]))["ok"]


def test_the_modal_opens_for_the_person_who_triggered_it(
    emulator: SlackEmulator, web: WebClient
) -> None:
    web.views_open(trigger_id=emulator.issue_trigger(BOB), view=modal("Bob", [section("x")]))

    assert [v.title for v in emulator.open_views(BOB)] == ["Bob"]
    assert emulator.open_views(ALICE) == []


def test_the_stack_holds_three_views(emulator: SlackEmulator, web: WebClient) -> None:
    root = web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=modal("1", [section("x")]))
    second = web.views_push(
        trigger_id=emulator.issue_trigger(ALICE), view=modal("2", [section("x")])
    )
    web.views_push(trigger_id=emulator.issue_trigger(ALICE), view=modal("3", [section("x")]))

    with pytest.raises(SlackApiError) as failure:
        web.views_push(trigger_id=emulator.issue_trigger(ALICE), view=modal("4", [section("x")]))

    assert failure.value.response["error"] == "push_limit_reached"
    assert [v.title for v in emulator.open_views(ALICE)] == ["1", "2", "3"]
    assert second["view"]["root_view_id"] == root["view"]["id"]
    assert second["view"]["previous_view_id"] == root["view"]["id"]


def test_push_needs_an_open_modal(emulator: SlackEmulator, web: WebClient) -> None:
    with pytest.raises(SlackApiError) as failure:
        web.views_push(trigger_id=emulator.issue_trigger(ALICE), view=modal("2", [section("x")]))

    assert failure.value.response["error"] == "not_found"


def test_push_checks_the_trigger_too(
    emulator: SlackEmulator, web: WebClient, clock: ManualClock
) -> None:
    web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=modal("1", [section("x")]))
    trigger = emulator.issue_trigger(ALICE)
    clock.advance(5)

    with pytest.raises(SlackApiError) as failure:
        web.views_push(trigger_id=trigger, view=modal("2", [section("x")]))

    assert failure.value.response["error"] == "expired_trigger_id"


def test_a_new_modal_replaces_the_open_one(emulator: SlackEmulator, web: WebClient) -> None:
    web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=modal("old", [section("x")]))
    web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=modal("new", [section("x")]))

    assert [v.title for v in emulator.open_views(ALICE)] == ["new"]
    assert [v.title for v in emulator.closed_views()] == ["old"]


def test_external_ids_are_unique_per_workspace(emulator: SlackEmulator, web: WebClient) -> None:
    view = modal("A", [section("x")], external_id="checkin-42")
    web.views_open(trigger_id=emulator.issue_trigger(ALICE), view=view)

    with pytest.raises(SlackApiError) as failure:
        web.views_open(trigger_id=emulator.issue_trigger(BOB), view=view)

    assert failure.value.response["error"] == "duplicate_external_id"
