"""An admin adds a référentiel from Slack with a workbook (.xlsx) uploaded to Palier's DM,
or by giving a Slack file's link (its permalink) instead of uploading it: Palier reads the
file id from the link and fetches the file through files.info as for an upload; it fetches
no other link, and says so — through Bolt over HTTP against the emulator."""

from __future__ import annotations

from sqlalchemy import func, select

from emulators.slack import SlackDriver
from emulators.slack.server import Message
from storage.models import ReferentielUpload, WorkspaceReferentiel
from tests.slack.conftest import ALICE, BOB, CHLOE, World
from tests.support.seed_sheets import seed_rows, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = [
    [cell.replace("Account Executive", "AE Sud 2027") for cell in row]
    for row in seed_rows("account-executive")
]
WORKBOOK = workbook(ROWS)
OTHER_LINK = (
    "Palier does not open links: to add a référentiel to this workspace, upload its file "
    "(.xlsx, .csv or .tsv) here, or give the file's Slack link (“Copy link”). Nothing was kept."
)


def _stored(world: World) -> list[WorkspaceReferentiel]:
    with world.session() as session:
        return list(session.scalars(select(WorkspaceReferentiel)))


def _pending(world: World) -> int:
    with world.session() as session:
        return session.scalar(select(func.count()).select_from(ReferentielUpload)) or 0


def _say(world: World, user: str, text: str, answers: int = 1) -> list[Message]:
    before = len(world.dms(user))
    assert world.driver.send_dm(user, text).ok
    messages = world.dms(user)
    assert len(messages) == before + 1 + answers, [m.text for m in messages]
    return messages[before + 1 :]


def _shared_in_channel(world: World, user: str, with_bot: bool = True) -> str:
    """``user`` uploaded the workbook in #ventes earlier; its permalink."""
    channel = world.emulator.add_channel("C0VENTES", "ventes", members=[user], bot_member=with_bot)
    _message, shown = world.emulator.share_user_file(
        user, "AE Sud.xlsx", WORKBOOK, channel=channel.id, mimetype=XLSX
    )
    permalink = str(shown["permalink"])
    assert permalink.startswith(f"https://{world.emulator.workspace.domain}.slack.com/files/")
    return permalink


def test_a_workbook_uploaded_to_the_dm_is_reviewed_and_added(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    assert world.driver.upload_file(
        BOB, "AE Sud.xlsx", WORKBOOK, text="id: ae-sud", mimetype=XLSX
    ).ok
    review = world.dms(BOB)[-1]
    assert "Review “AE Sud 2027” before adding it to this workspace" in (review.text or "")
    [download] = world.emulator.calls_to("files.download")
    assert download.status == 200
    world.driver.click(BOB, review, text="Add to the workspace")
    world.emulator.settle()
    [row] = _stored(world)
    assert (row.referentiel_id, row.title, row.source_name) == (
        "ae-sud",
        "AE Sud 2027",
        "AE Sud.xlsx",
    )


def test_an_admin_gives_a_file_s_link_instead_of_uploading_it(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    permalink = _shared_in_channel(world, BOB)
    [review] = _say(world, BOB, f"id: ae-sud <{permalink}>")
    assert "Review “AE Sud 2027” before adding it to this workspace" in (review.text or "")
    assert "under the id `ae-sud`" in (review.text or "")
    assert SlackDriver.button_labels(review) == ["Add to the workspace", "Cancel"]
    [info] = world.emulator.calls_to("files.info")
    assert info.params["file"] == permalink.split("/")[-2]
    world.driver.click(BOB, review, text="Add to the workspace")
    world.emulator.settle()
    assert [row.referentiel_id for row in _stored(world)] == ["ae-sud"]


def test_a_link_to_a_file_palier_cannot_see_is_not_read(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    permalink = _shared_in_channel(world, BOB, with_bot=False)
    [answer] = _say(world, BOB, permalink)
    assert (answer.text or "").startswith("Palier could not fetch AE")
    assert world.emulator.calls_to("files.download") == []
    assert _pending(world) == 0


def test_any_other_link_is_never_fetched_and_the_admin_is_told_to_upload(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    for text in (
        "<https://example.com/matrice.xlsx>",
        "<https://palier-demo.slack.com/archives/C0VENTES/p1700000000000100>",
        "https://evil.slack.com.example.net/files/U1/F1/x.xlsx",
    ):
        [answer] = _say(world, BOB, text)
        assert answer.text == OTHER_LINK
    assert world.emulator.calls_to("files.info") == []
    assert world.emulator.calls_to("files.download") == []


def test_someone_who_is_not_an_admin_gets_nothing_read(world: World) -> None:
    world.enrol(ALICE)
    permalink = _shared_in_channel(world, ALICE)
    [answer] = _say(world, ALICE, f"<{permalink}>")
    assert (answer.text or "").startswith("Seuls les administrateurs de Palier")
    assert world.emulator.calls_to("files.download") == []
    _say(world, ALICE, "<https://example.com/x.csv>", answers=0)  # a link: nothing said


def test_plain_words_in_the_dm_are_still_not_answered(world: World) -> None:
    world.emulator.update_user(CHLOE, is_admin=True)
    _say(world, CHLOE, "bonjour", answers=0)
