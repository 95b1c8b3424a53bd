"""Slack's messenger on the emulator: the delivery port's send, find by marker, update
and send a file, with references of the form ``channel:ts``."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.delivery.messenger import Marker, OutgoingFile, Recipient
from bot.delivery.tick import TickReport
from bot.delivery.views import PROMPT_MARKER, MissedPrompt, PromptMessage
from emulators.slack import SlackDriver, render_blocks
from handlers.slack.effects import message_ref
from storage.models import Platform
from tests.slack.conftest import ALICE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _alice(world: World) -> Recipient:
    team = world.emulator.user(ALICE).team_id
    return Recipient(team, ALICE, "fr", "Europe/Paris")


def test_a_marked_message_is_found_again_by_its_reference_and_updated(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    world.tick()  # planned and sent: the tick's own message for the form
    [prompt] = world.prompts(ALICE)
    messenger = world.palier.ticker.messengers[Platform.SLACK]
    [posted] = world.dms(ALICE)
    ref = message_ref(posted.channel, posted.ts)
    assert prompt.message_ref == ref
    assert messenger.find(_alice(world), Marker(PROMPT_MARKER, prompt.id)) == ref
    assert messenger.find(_alice(world), Marker(PROMPT_MARKER, prompt.id + 1)) is None
    with world.session() as session:
        message = world.palier.ticker.prompt_job(TickReport()).message(
            session, session.merge(prompt)
        )
    assert message is not None and isinstance(message.view, PromptMessage)
    messenger.update(_alice(world), ref, MissedPrompt(message.view.form))
    updated = world.emulator.message(posted.channel, posted.ts)
    assert updated is not None and "close sans check-in" in render_blocks(updated.blocks)
    assert SlackDriver.button_labels(updated) == []


def test_a_file_goes_to_the_person_s_dm_only(world: World) -> None:
    messenger = world.palier.ticker.messengers[Platform.SLACK]
    file = OutgoingFile("export.csv", "a,b\r\n1,2\r\n", "Export", comment="Voici")
    messenger.send_file(_alice(world), file)
    [sent] = world.emulator.files
    assert sent.channels == [world.emulator.dm_channel_id(ALICE)]
    assert sent.name == "export.csv"
