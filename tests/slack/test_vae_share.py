"""The VAE livret to one's manager, only with one's consent, through the emulator.

The manager asks (``/palier vae @person``); the person gets Share / Decline in their own
DM, in their language; on Share both files land in the manager's DM once (a second click
delivers nothing more), on Decline the manager is told; if the manager changed in
between, nothing is sent. Someone who is not the person's direct manager cannot ask.
A person may also share on their own (``/palier vae partager``). Nothing reaches a
channel: every file is in the manager's DM.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from emulators.slack.server import Message, UploadedFile
from storage.models import Person
from tests.slack.conftest import ALICE, BOB, CHLOE, World
from tests.support.vae_livret import REFERENTIEL, RENAULT, docx_lines, pdf_text, seed

THURSDAY = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _team(world: World, manager: str, report: str) -> None:
    """``report`` on the certification, with evidence, reporting to ``manager``;
    Chloé on it too, reporting to nobody."""
    world.at(THURSDAY)
    ids = {user: world.enrol(user, REFERENTIEL) for user in (ALICE, BOB, CHLOE)}
    with world.session() as session, session.begin():
        person = session.get_one(Person, ids[report])
        seed(session, person)
        person.manager_id = ids[manager]


def _set_manager(world: World, report: str, manager: str) -> None:
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[report].manager_id = people[manager].id


def _ephemeral(world: World, user: str, seen: int = 0) -> str:
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    return found[-1].text or ""


def _request(world: World, user: str) -> Message:
    """The last message of ``user``'s DM: the request with its buttons."""
    return (
        world.emulator.wait_for(
            lambda: (
                ((m := world.dms(user)) and m[-1].blocks and "Share" in str(m[-1].blocks)) or None
            )
        )
        and world.dms(user)[-1]
    )


def _request_fr(world: World, user: str) -> Message:
    world.emulator.wait_for(
        lambda: ((m := world.dms(user)) and "Partager" in str(m[-1].blocks)) or None
    )
    return world.dms(user)[-1]


def _files(world: World, count: int) -> list[UploadedFile]:
    world.emulator.wait_for(lambda: len(world.emulator.files) >= count or None)
    return list(world.emulator.files)


def test_manager_asks_the_report_shares_files_reach_the_manager_once(world: World) -> None:
    """Bob (English) manages Alice (French): the request is in French in Alice's DM,
    the files in Bob's DM with English titles, the livret itself in Alice's French."""
    _team(world, manager=BOB, report=ALICE)
    world.driver.slash_command(BOB, "/palier", f"vae <@{ALICE}|alice>")
    assert _ephemeral(world, BOB).startswith("Request sent to ")
    request = _request_fr(world, ALICE)
    assert "vous demande votre livret de preuves VAE pour « Manager commercial" in (
        request.text or ""
    ) or "vous demande votre livret de preuves VAE" in str(request.blocks)
    assert "Rien n'est envoyé sans votre accord" in str(request.blocks)
    assert world.emulator.files == []  # nothing before the person says so
    world.driver.click(ALICE, request, text="Partager")
    pdf, docx = _files(world, 2)
    bob_dm = world.emulator.dm_channel_id(BOB)
    assert pdf.channels == docx.channels == [bob_dm]
    assert pdf.name == f"livret-vae-{REFERENTIEL}-2026-11-26.pdf"
    assert pdf.title == "Alice Martin's VAE evidence portfolio (PDF)"
    assert "Livret de preuves — Alice Martin" in pdf_text(pdf.content or b"")
    assert RENAULT in " ".join(line.text for line in docx_lines(docx.content or b""))
    shared = world.emulator.wait_for(
        lambda: "est envoyé à" in (world.dms(ALICE)[-1].text or "") or None
    )
    assert shared
    # A second click (the message as it was: a stale client) delivers nothing more.
    world.forge_click(ALICE, "livret_share", _value(request))
    assert "déjà répondu" in _ephemeral(world, ALICE)
    world.emulator.settle()
    assert len(world.emulator.files) == 2
    assert [m for m in world.dms(ALICE) if m.files] == []


def _value(message: Message) -> str:
    for block in message.blocks or []:
        for element in block.get("elements", []):
            if element.get("action_id") == "livret_share":
                return str(element["value"])
    raise AssertionError("no Share button")


def test_the_report_declines_and_the_manager_is_told_in_french(world: World) -> None:
    """Alice (French) manages Bob (English): Bob declines, Alice is told, no file."""
    _team(world, manager=ALICE, report=BOB)
    world.driver.slash_command(ALICE, "/palier", f"livret <@{BOB}>")
    assert _ephemeral(world, ALICE).startswith("Demande envoyée à ")
    request = _request(world, BOB)
    assert "asks for your VAE evidence portfolio" in str(request.blocks)
    world.driver.click(BOB, request, text="Decline")
    told = world.emulator.wait_for(
        lambda: (m := world.dms(ALICE)) and "a choisi de ne pas partager" in (m[-1].text or "")
    )
    assert told
    assert world.dms(BOB)[-1].text is not None
    assert (world.dms(BOB)[-1].text or "").startswith("You declined: nothing was sent to")
    world.emulator.settle()
    assert world.emulator.files == []


def test_a_manager_who_changed_in_between_gets_nothing(world: World) -> None:
    _team(world, manager=BOB, report=ALICE)
    world.driver.slash_command(BOB, "/palier", f"vae <@{ALICE}>")
    request = _request_fr(world, ALICE)
    _set_manager(world, ALICE, CHLOE)
    world.driver.click(ALICE, request, text="Partager")
    assert world.emulator.wait_for(  # the request replaced by why nothing was sent
        lambda: "n'est plus votre manager" in (world.dms(ALICE)[-1].text or "") or None
    )
    world.emulator.settle()
    assert world.emulator.files == []
    assert not [m for m in world.dms(CHLOE) if m.files]


def test_only_a_direct_manager_may_ask_and_nobody_is_told(world: World) -> None:
    """Chloé is nobody's manager; Bob, in English, names someone who is not his report:
    each is refused, the person named receives nothing."""
    _team(world, manager=BOB, report=ALICE)
    world.driver.slash_command(CHLOE, "/palier", f"vae <@{ALICE}>")
    assert _ephemeral(world, CHLOE).startswith(
        "Vous ne pouvez demander le livret de preuves que d'une personne"
    )
    world.driver.slash_command(BOB, "/palier", f"livret <@{CHLOE}>")
    assert _ephemeral(world, BOB).startswith("You can only ask for the evidence portfolio")
    world.driver.slash_command(BOB, "/palier", "vae nobody")
    assert _ephemeral(world, BOB, 1).startswith("You can only ask for the evidence portfolio")
    world.emulator.settle()
    assert world.dms(ALICE) == [] and world.dms(CHLOE) == []
    assert world.emulator.files == []


def test_a_person_shares_on_their_own_and_someone_without_a_manager_cannot(
    world: World,
) -> None:
    _team(world, manager=BOB, report=ALICE)
    world.driver.slash_command(ALICE, "/palier", "vae partager")
    assert _ephemeral(world, ALICE).startswith("Votre livret de preuves pour « ")
    pdf, docx = _files(world, 2)
    assert pdf.channels == docx.channels == [world.emulator.dm_channel_id(BOB)]
    world.driver.slash_command(CHLOE, "/palier", "vae share")
    assert _ephemeral(world, CHLOE).startswith("Palier ne vous connaît pas de manager")
    world.emulator.settle()
    assert len(world.emulator.files) == 2


def test_the_help_says_who_receives_a_livret(world: World) -> None:
    world.enrol(ALICE)
    world.driver.slash_command(ALICE, "/palier", "aide")
    help_text = str(world.emulator.wait_for(lambda: world.emulator.ephemerals_for(ALICE))[-1])
    assert "Votre livret de preuves VAE ne va à votre manager que si vous y consentez" in (
        help_text
    )
