"""``/palier accueil`` (or ``home``): Teams' word for one's page; in Slack the page is the
App Home tab, so the command answers with the help, not as a word it does not know."""

from __future__ import annotations

import pytest

from emulators.slack import render_blocks
from tests.slack.conftest import ALICE, World


@pytest.mark.parametrize("word", ["accueil", "home", "Accueil"])
def test_the_home_word_gets_the_help(world: World, word: str) -> None:
    world.enrol(ALICE)
    assert world.driver.slash_command(ALICE, "/palier", word).ok
    messages = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE))
    latest = messages[-1]
    text = render_blocks(latest.blocks) if latest.blocks else latest.text or ""
    assert "Palier — ce que je fais pour vous" in text
    assert "Je ne connais pas" not in text
