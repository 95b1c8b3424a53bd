"""The progress chart through the Slack emulator: ``/palier moi graphique`` (``me chart``)
and the Home's button put a PNG in the person's own DM — never in the channel the
command was typed in — in their language; nothing rated is said, with no empty picture;
a manager gets a report's, a colleague gets a refusal.

Alice (fr-FR, Paris) and Bob (en-US, New York) are Account Executives; Manon manages
Alice. Commands are typed in a public channel on purpose.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from emulators.slack import render_blocks
from emulators.slack.server import Message, UploadedFile
from handlers.slack import ids
from storage.models import Person, Rater, Rating, Role
from tests.slack.conftest import ALICE, BOB, World

MANON = "U0MANON"
SALES = "C0SALES"
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _setup(world: World) -> dict[str, int]:
    world.at(NOW)
    world.emulator.add_user(MANON, "manon", "Manon Leroy", "manon@example.fr")
    world.emulator.add_channel(SALES, "ventes", members=[MANON, ALICE, BOB])
    found = {MANON: world.enrol(MANON, role=Role.MANAGER), ALICE: world.enrol(ALICE)}
    found[BOB] = world.enrol(BOB)
    with world.session() as session, session.begin():
        alice = session.get(Person, found[ALICE])
        assert alice is not None
        alice.manager_id = found[MANON]
    return found


def _rate(world: World, person_id: int, competency: str, level: str, days: int) -> None:
    with world.session() as session, session.begin():
        person = session.get(Person, person_id)
        assert person is not None
        session.add(
            Rating(
                tenant_id=person.tenant_id,
                person_id=person_id,
                referentiel_id="account-executive",
                competency_id=competency,
                level_id=level,
                rater=Rater.SELF,
                rater_person_id=person_id,
                rated_at=NOW - timedelta(days=days),
            )
        )


def _command(world: World, user: str, text: str) -> Message:
    """``/palier <text>`` typed in the sales channel; its one ephemeral answer."""
    seen = len(world.emulator.ephemerals_for(user))
    answer = world.driver.slash_command(user, "/palier", text, channel_id=SALES)
    assert answer.ok and answer.within_deadline
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    [message] = found[seen:]
    return message


def _picture(file: UploadedFile) -> Image.Image:
    picture = Image.open(io.BytesIO(file.content or b""))
    picture.load()
    assert picture.format == "PNG" and picture.mode == "RGB"
    assert 600 <= picture.size[0] <= 1100 and picture.size[1] <= 1100
    return picture


def _nothing_public(world: World) -> None:
    assert world.emulator.messages_in(SALES) == []
    for file in world.emulator.files:
        assert len(file.channels) == 1 and file.channels[0].startswith("D")


def test_moi_graphique_puts_the_chart_in_the_dm_in_french(world: World) -> None:
    people = _setup(world)
    _rate(world, people[ALICE], "prospection", "junior", 200)
    _rate(world, people[ALICE], "prospection", "intermediaire", 10)
    answer = _command(world, ALICE, "moi graphique")
    assert answer.text == "Votre graphique de progression est dans votre message privé avec Palier."
    [file] = world.emulator.files
    assert file.name == "palier-progression-2026-11-26.png"
    assert file.title == "Votre progression sur quatre trimestres"
    assert file.channels == [world.emulator.dm_channel_id(ALICE)]
    assert file.alt_txt is not None and file.alt_txt.startswith("Niveaux par compétence")
    [upload] = [m for m in world.dms(ALICE) if m.files]
    assert upload.text.startswith("Votre progression des quatre derniers trimestres")
    _picture(file)
    _nothing_public(world)
    # The same words at the top level: `/palier graphique`.
    assert _command(world, ALICE, "graphique").text == answer.text
    first, again = world.emulator.files
    assert first.content == again.content  # the same chart, the same bytes


def test_me_chart_with_nothing_rated_says_so_in_english_and_sends_nothing(world: World) -> None:
    people = _setup(world)
    answer = _command(world, BOB, "me chart")
    assert answer.text.startswith("No chart yet: no competency has been rated")
    assert world.emulator.files == []
    _rate(world, people[BOB], "closing", "senior", 3)
    answer = _command(world, BOB, "me chart")
    assert answer.text == "Your progress chart is in your direct messages with Palier."
    [file] = world.emulator.files
    assert file.name == "palier-progress-2026-11-26.png"  # Nov 26, 10:00 in New York
    assert file.channels == [world.emulator.dm_channel_id(BOB)]
    _picture(file)
    _nothing_public(world)


def test_the_homes_button_sends_the_chart_or_says_why_not(world: World) -> None:
    people = _setup(world)
    assert world.driver.app_home_opened(BOB).ok
    home = world.emulator.wait_for(lambda: world.driver.home(BOB))
    assert "📈 My progress" in render_blocks(home.blocks)
    world.driver.click(BOB, home, action_id=ids.PROGRESS_CHART)
    modal = world.emulator.wait_for(lambda: world.driver.modal(BOB))
    assert "No chart yet" in render_blocks(modal.blocks)
    assert world.emulator.files == []

    _rate(world, people[ALICE], "valeurs", "senior", 1)
    assert world.driver.app_home_opened(ALICE).ok
    home = world.emulator.wait_for(lambda: world.driver.home(ALICE))
    world.driver.click(ALICE, home, action_id=ids.PROGRESS_CHART)
    [file] = world.emulator.wait_for(lambda: world.emulator.files)
    assert file.name == "palier-progression-2026-11-26.png"
    assert file.channels == [world.emulator.dm_channel_id(ALICE)]
    _picture(file)


def test_a_manager_gets_a_reports_chart_and_a_colleague_does_not(world: World) -> None:
    people = _setup(world)
    _rate(world, people[ALICE], "closing", "junior", 5)
    answer = _command(world, MANON, f"moi graphique <@{ALICE}|alice>")
    assert answer.text == "Votre graphique de progression est dans votre message privé avec Palier."
    [file] = world.emulator.files
    assert file.channels == [world.emulator.dm_channel_id(MANON)]
    assert file.title.startswith("Progression sur quatre trimestres : ")
    _picture(file)
    refused = _command(world, BOB, f"me chart <@{ALICE}>")
    assert refused.text == (
        "You can only see your own progress, or that of the people in your team."
    )
    usage = _command(world, BOB, "me chart Alice please")
    assert "`/palier me chart`" in usage.text
    assert len(world.emulator.files) == 1  # nothing for Bob
    _nothing_public(world)
