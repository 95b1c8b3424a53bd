"""An admin sends a référentiel's export to Palier in the personal chat in Teams: the
review card, Add (or Cancel), then enrolment on it — through the real Teams SDK over HTTP
against the emulator, which hands the bot the file as Teams does (a
``file.download.info`` attachment, its pre-authorized ``downloadUrl``); French and
English; a member refused before anything is fetched; a broken file one clear answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from emulators.teams import TeamsEmulator, User
from emulators.teams.model import Message
from handlers.teams.manifest import manifest
from storage.db import session_scope
from storage.models import ReferentielUpload, WorkspaceReferentiel
from tests.support.seed_sheets import seed_rows, workbook
from tests.teams.conftest import TeamsWorld

PAUL_ID = "5b0f6d1e-3c2a-4e8b-9f7d-a1b2c3d4e5f6"
DANA_ID = "7c1e2d3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5"
SEED = (Path(__file__).parents[1] / "seeds" / "000_972af00c6a453831.txt").read_bytes()
# The seed under a title of its own, so what Palier shows can only come from the file.
UPLOAD = SEED.replace(b"Account Executive", b"AE Nord 2027")


@pytest.fixture(autouse=True)
def paul(emulator: TeamsEmulator, monkeypatch: pytest.MonkeyPatch) -> User:
    """Paul administers Palier (French); so does Dana (English): their Entra object ids
    are in PALIER_ADMIN_USER_IDS, set before the world reads its settings."""
    monkeypatch.setenv("PALIER_ADMIN_USER_IDS", f"{PAUL_ID},{DANA_ID}")
    return emulator.add_user("Paul Durand", "paul.durand@example.fr", aad_object_id=PAUL_ID)


@pytest.fixture
def dana(emulator: TeamsEmulator) -> User:
    return emulator.add_user(
        "Dana Reed",
        "dana.reed@example.com",
        aad_object_id=DANA_ID,
        locale="en-US",
        timezone="America/New_York",
    )


@pytest.fixture
def bob(emulator: TeamsEmulator) -> User:
    return emulator.add_user("Bob Stone", "bob.stone@example.com", locale="en-US")


def send(world: TeamsWorld, user: User, name: str, data: bytes, text: str = "") -> Message:
    """``user`` sends the file; Palier's one answer."""
    before = len(world.teams.messages(user))
    assert world.teams.send_file(user, name, data, text).ok
    messages = world.teams.messages(user)
    assert len(messages) == before + 2, [world.teams.render(m) for m in messages]
    return messages[-1]


def stored(world: TeamsWorld) -> list[WorkspaceReferentiel]:
    with session_scope(world.core.sessions) as session:
        return list(session.scalars(select(WorkspaceReferentiel)))


def pending(world: TeamsWorld) -> int:
    with session_scope(world.core.sessions) as session:
        return session.scalar(select(func.count()).select_from(ReferentielUpload)) or 0


def say(world: TeamsWorld, user: User, text: str) -> str:
    assert world.teams.send_message(user, text).ok
    answer = world.teams.latest_message(user)
    assert answer is not None
    return world.teams.render(answer)


def test_the_manifest_lets_people_send_the_bot_files() -> None:
    generated = manifest("00000000-0000-0000-0000-000000000001", "https://palier.example.fr")
    assert generated["bots"][0]["supportsFiles"] is True


def test_an_admin_sends_an_export_reviews_it_adds_it_and_enrols_someone_on_it(
    world: TeamsWorld, paul: User, bob: User
) -> None:
    world.teams.install(paul)
    review = send(world, paul, "matrice AE.tsv", UPLOAD, "id: ae-2027")
    shown = world.teams.render(review)
    assert "Vérifiez « AE Nord 2027 » avant de l'ajouter à cet espace de travail" in shown
    assert "matrice AE.tsv" in shown and "identifiant ae-2027" in shown
    assert world.teams.buttons(review) == ["Ajouter à l'espace de travail", "Annuler"]
    assert stored(world) == [] and pending(world) == 1
    # The bytes came from the downloadUrl, with no token.
    [download] = world.emulator.calls_to("download")
    assert download.status == 200

    assert world.teams.click(paul, review, "Ajouter à l'espace de travail").ok
    added = world.teams.render(world.teams.view(paul, review))
    assert added == (
        "« AE Nord 2027 » est ajouté à cet espace de travail sous l'identifiant ae-2027 : "
        "inscrivez-y des personnes avec cet identifiant."
    )
    [row] = stored(world)
    assert (row.referentiel_id, row.title, row.added_by) == ("ae-2027", "AE Nord 2027", PAUL_ID)

    answer = say(world, paul, "admin enrol bob.stone@example.com ae-2027")
    assert answer.startswith("Bob Stone suit désormais « AE Nord 2027 » dans Palier")
    assert len(stored(world)) == 1


def test_the_same_message_delivered_again_is_reviewed_once(world: TeamsWorld, paul: User) -> None:
    world.teams.install(paul)
    before = len(world.teams.messages(paul))
    first = world.teams.send_file(paul, "matrice AE.tsv", UPLOAD, "ae-2027")
    assert first.ok and world.teams.replay(first).ok
    assert len(world.teams.messages(paul)) == before + 2  # the file, one review
    assert pending(world) == 1


def test_in_english_a_workbook_reviewed_then_cancelled_keeps_nothing(
    world: TeamsWorld, dana: User
) -> None:
    world.teams.install(dana)
    rows = [
        [cell.replace("Account Executive", "AE West") for cell in row]
        for row in seed_rows("account-executive")
    ]
    world.emulator.redirect_downloads = True  # storage answers with a redirect: followed
    review = send(world, dana, "AE West.xlsx", workbook(rows), "id: ae-west")
    shown = world.teams.render(review)
    assert "Review “AE West” before adding it to this workspace" in shown
    assert world.teams.buttons(review) == ["Add to the workspace", "Cancel"]
    assert world.teams.click(dana, review, "Cancel").ok
    assert world.teams.render(world.teams.view(dana, review)) == (
        "Cancelled: ae-west was not added."
    )
    assert stored(world) == [] and pending(world) == 0


def test_someone_who_is_not_an_admin_is_refused_and_nothing_is_fetched(
    world: TeamsWorld,
) -> None:
    alice = world.alice
    world.teams.install(alice)
    answer = send(world, alice, "matrice AE.tsv", UPLOAD)
    assert world.teams.render(answer) == (
        "Seuls les administrateurs de Palier de cet espace de travail peuvent ajouter "
        "un référentiel. Rien n'a été conservé."
    )
    assert world.emulator.calls_to("download") == []
    assert pending(world) == 0 and stored(world) == []


def test_a_broken_file_gets_one_clear_answer_and_nothing_is_kept(
    world: TeamsWorld, paul: User, dana: User
) -> None:
    world.teams.install(paul)
    answer = world.teams.render(send(world, paul, "notes.csv", b"\x00\x01 pas un tableau"))
    assert answer.startswith(
        "notes.csv n'a pas pu être lu comme un référentiel ; rien n'a été conservé :"
    )
    assert world.teams.buttons(world.teams.messages(paul)[-1]) == []
    world.teams.install(dana)
    world.emulator.inject("download", status=503)
    failed = world.teams.render(send(world, dana, "matrice AE.tsv", UPLOAD))
    assert (
        failed
        == "Palier could not fetch matrice AE.tsv: nothing was kept. Upload it again in a moment."
    )
    assert pending(world) == 0 and stored(world) == []


def test_a_file_too_large_is_refused_and_nothing_is_kept(world: TeamsWorld, paul: User) -> None:
    world.teams.install(paul)
    answer = world.teams.render(send(world, paul, "énorme.csv", b"a;b\n" * 600_000))
    assert answer == (
        "énorme.csv est trop volumineux pour l'export d'un référentiel (2 Mo au plus) : "
        "rien n'a été conservé."
    )
    assert pending(world) == 0
