"""``/palier me``, ``/palier help`` and unknown subcommands, through the emulator."""

from __future__ import annotations

from datetime import UTC, datetime

from emulators.slack import render_blocks
from tests.slack.conftest import ALICE, BOB, CHLOE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _ephemeral(world: World, user: str, seen: int = 0) -> str:
    """The newest ephemeral message the person sees (waiting for it to arrive)."""
    messages = world.emulator.wait_for(
        lambda: (found := world.emulator.ephemerals_for(user)) and len(found) > seen and found
    )
    latest = messages[-1]
    return render_blocks(latest.blocks) if latest.blocks else latest.text or ""


def _check_in(world: World, user: str, level: str) -> None:
    prompt = world.driver.latest_dm(user)
    assert prompt is not None
    world.driver.click(user, prompt, text="Faire mon check-in")
    modal = world.emulator.wait_for(lambda: world.driver.modal(user))
    values = {
        b["block_id"]: level for b in modal.blocks if b.get("block_id", "").startswith("level:")
    }
    assert world.driver.submit_view(user, modal, values).outcome == "close"


def test_me_shows_my_own_summary_privately(world: World) -> None:
    world.enrol(ALICE)
    world.enrol(CHLOE)
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    _check_in(world, ALICE, "Intermédiaire")
    _check_in(world, CHLOE, "Junior")
    answer = world.driver.slash_command(ALICE, "/palier", "me")
    assert answer.ok and answer.within_deadline
    text = _ephemeral(world, ALICE)
    assert "Votre progression — Account Executive" in text
    assert "Niveau atteint : Intermédiaire" in text
    assert "Série : 1 semaine de check-in d'affilée" in text
    # Nothing went to a channel; Chloé's levels are not in Alice's answer.
    assert world.emulator.calls_to("chat.postMessage") and all(
        str(c.response.get("channel", "")).startswith("D")  # where Slack posted it
        for c in world.emulator.calls_to("chat.postMessage")
    )
    assert "Niveau atteint : Junior" not in text


def test_me_before_enrolment_says_so(world: World) -> None:
    world.driver.slash_command(BOB, "/palier", "me")
    assert "not enrolled in Palier" in _ephemeral(world, BOB)


def test_help_and_unknown_subcommands(world: World) -> None:
    world.enrol(ALICE)
    world.driver.slash_command(ALICE, "/palier", "aide")
    assert "/palier me" in _ephemeral(world, ALICE)
    world.driver.slash_command(ALICE, "/palier", "danse la salsa")
    text = _ephemeral(world, ALICE, seen=1)
    assert "Je ne connais pas « danse la salsa »" in text and "/palier me" in text
    world.driver.slash_command(ALICE, "/palier", "")
    assert "Palier — ce que je fais pour vous" in _ephemeral(world, ALICE, seen=2)
