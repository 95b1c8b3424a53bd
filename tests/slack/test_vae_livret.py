"""``/palier vae`` through the emulator: the person's own VAE livret, a PDF and a Word
file, uploaded to their DM only (read back here), in their language; another person
asking gets their own livret, never someone else's (naming someone is a manager's
request, which the person answers: test_vae_share); someone on a skills matrix is told
the livret needs a certification référentiel, and gets no file."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from emulators.slack.server import UploadedFile
from storage.models import Person
from tests.slack.conftest import ALICE, BOB, CHLOE, World
from tests.support.vae_livret import (
    BLOC_1,
    C1,
    C3_CRITERION,
    LINK,
    MODALITY_C1,
    REFERENTIEL,
    RENAULT,
    docx_lines,
    gap_list,
    pdf_text,
    seed,
)

THURSDAY = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _candidates(world: World) -> None:
    """Alice (French) has evidence on the certification; Bob (English) is on it with
    none yet; Chloé follows a skills matrix."""
    world.at(THURSDAY)
    alice = world.enrol(ALICE, REFERENTIEL)
    world.enrol(BOB, REFERENTIEL)
    world.enrol(CHLOE)
    with world.session() as session, session.begin():
        seed(session, session.get_one(Person, alice))


def _ephemeral(world: World, user: str) -> str:
    found = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(user) or None)
    return found[-1].text or ""


def _files(world: World, count: int) -> list[UploadedFile]:
    return world.emulator.wait_for(lambda: len(world.emulator.files) >= count or None) and list(
        world.emulator.files
    )


def test_my_livret_lands_in_my_dm_only_in_french(world: World) -> None:
    _candidates(world)
    world.driver.slash_command(ALICE, "/palier", "vae")
    assert _ephemeral(world, ALICE).startswith(
        "Votre livret de preuves est dans votre message privé"
    )
    pdf, docx = _files(world, 2)
    dm = world.emulator.dm_channel_id(ALICE)
    assert pdf.channels == docx.channels == [dm]
    assert (pdf.name, docx.name) == (
        f"livret-vae-{REFERENTIEL}-2026-11-26.pdf",
        f"livret-vae-{REFERENTIEL}-2026-11-26.docx",
    )
    text = pdf_text(pdf.content or b"")
    assert "Livret de preuves — Alice Martin" in text
    for quoted in (BLOC_1, C1, "Jeu de rôle (C1)", MODALITY_C1):
        assert quoted in text
    assert f"05/10/2026 — {RENAULT} · lien : {LINK} · niveau confirmé par le manager" in text
    lines = docx_lines(docx.content or b"")
    assert next(line.text for line in lines if line.style == "Heading 1") == BLOC_1
    gaps = gap_list(lines, "Critères sans preuve, à travailler")
    assert any(label.startswith("C3 ") and C3_CRITERION in gaps[label] for label in gaps)
    assert not any(label.startswith(("C1 ", "C2 ")) for label in gaps)
    with world.session() as session:
        assert session.scalars(select(Person.platform_user_id)).all()  # nothing was erased


def test_someone_else_asking_gets_their_own_livret_in_english(world: World) -> None:
    _candidates(world)
    world.driver.slash_command(BOB, "/palier", "livret")
    assert _ephemeral(world, BOB).startswith("Your evidence portfolio is in your direct messages")
    pdf, docx = _files(world, 2)
    assert pdf.channels == docx.channels == [world.emulator.dm_channel_id(BOB)]
    assert pdf.name == f"vae-livret-{REFERENTIEL}-2026-11-26.pdf"
    text = pdf_text(pdf.content or b"")
    assert "Evidence portfolio (livret de preuves) — Bob Stone" in text
    assert "Alice" not in text and RENAULT not in text
    lines = docx_lines(docx.content or b"")
    assert "Jeu de rôle (C1)" in [line.text for line in lines if line.style == "Quote"]
    gaps = gap_list(lines, "Criteria without evidence, to work on")
    assert any(label.startswith("C1 ") for label in gaps)  # Bob has no evidence at all
    assert world.emulator.ephemerals_for(ALICE) == []
    assert [m for m in world.dms(ALICE) if m.files] == []


def test_someone_on_a_skills_matrix_is_told_and_gets_no_file(world: World) -> None:
    _candidates(world)
    world.driver.slash_command(CHLOE, "/palier", "vae")
    assert _ephemeral(world, CHLOE).startswith(
        "Le livret de preuves VAE s'établit sur un référentiel de certification"
    )
    world.emulator.settle()
    assert world.emulator.files == [] and [m for m in world.dms(CHLOE) if m.files] == []
