"""The World's helpers wait for what the requests so far started, instead of racing it.

A test that clicks and then moves the clock, ticks or reads the database must see
the click's listener finished first: otherwise the listener runs at the new time,
or after the tick, and the test passes or fails with the machine's load.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from tests.slack.conftest import ALICE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)

HELPERS: dict[str, Callable[[World], object]] = {
    "at": lambda world: world.at(THURSDAY_1600_PARIS + timedelta(days=7)),
    "tick": lambda world: world.tick(),
    "session": lambda world: world.session().close(),
    "dms": lambda world: world.dms(ALICE),
}


@pytest.mark.parametrize("helper", HELPERS.values(), ids=HELPERS.keys())
def test_a_helper_returns_once_the_click_it_follows_is_done(
    world: World, helper: Callable[[World], object]
) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    prompt = world.emulator.dm_messages(ALICE)[-1]
    world.emulator.inject("views.open", delay=0.3)  # the listener is still busy after the ack
    assert world.driver.click(ALICE, prompt, text="Faire mon check-in").ok
    helper(world)
    assert [view.title for view in world.emulator.open_views(ALICE)] == ["Check-in semaine 48"]
