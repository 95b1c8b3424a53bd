"""A certification candidate's check-in over Slack: the summary says how many of the
référentiel's criteria their evidence covers, in French and in English (real Bolt app
against the Slack emulator)."""

from __future__ import annotations

from datetime import UTC, datetime

from emulators.slack import render_blocks
from tests.slack.conftest import ALICE, BOB, World

CERTIFICATION = "manager-grands-comptes"  # 41 criteria; C1 has three of them


def _check_in(world: World, user: str, start: str, level: str, title: str) -> str:
    """Open the week's prompt (C1–C3: nothing rated yet), rate, log evidence for C1;
    the summary's text as the person reads it."""
    prompt = world.emulator.wait_for(lambda: world.driver.latest_dm(user))
    click = world.driver.click(user, prompt, text=start)
    assert click.ok and click.within_deadline
    modal = world.emulator.wait_for(lambda: world.driver.modal(user))
    values = {f"level:C{n}": level for n in (1, 2, 3)}
    values["evidence:C1"] = "Plan de compte Airbus revu avec l'équipe"
    answer = world.driver.submit_view(user, modal, values)
    assert answer.ok and answer.outcome == "close"
    summary = world.emulator.wait_for(
        lambda: next((m for m in world.dms(user) if title in (m.text or "")), None)
    )
    return render_blocks(summary.blocks)


def test_the_summary_counts_the_criteria_covered_in_french(world: World) -> None:
    world.enrol(ALICE, CERTIFICATION)
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # Thursday 16:00 in Paris
    assert world.tick().sent == 1
    text = _check_in(
        world, ALICE, "Faire mon check-in", "En cours d'acquisition", "Votre progression"
    )
    assert "Critères de la certification : 3 critères sur 41 couverts par vos preuves." in text


def test_the_summary_counts_the_criteria_covered_in_english(world: World) -> None:
    world.enrol(BOB, CERTIFICATION)
    world.at(datetime(2026, 11, 26, 21, 0, tzinfo=UTC))  # Thursday 16:00 in New York
    assert world.tick().sent == 1
    text = _check_in(world, BOB, "Start my check-in", "Being acquired", "Your progress")
    assert "Certification criteria: 3 of 41 criteria covered by your evidence." in text
