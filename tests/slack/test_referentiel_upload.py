"""An admin uploads a référentiel's export to Palier's DM (issue #14): the review report,
Add, then enrolment on it and a check-in in its words — through Bolt over HTTP against the
emulator, which serves the file only to the bot token with ``files:read``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select

from emulators.slack import SlackDriver
from emulators.slack.server import Message
from handlers.slack import ids
from storage.models import Person, ReferentielUpload, WorkspaceReferentiel
from tests.slack.conftest import ALICE, BOB, CHLOE, SIGNING_SECRET, World

SEED = (Path(__file__).parents[1] / "seeds" / "000_972af00c6a453831.txt").read_bytes()
# The seed under a title of its own, so what Palier shows can only come from the upload.
UPLOAD = SEED.replace(b"Account Executive", b"AE Nord 2027")
COMPETENCIES = ("Prospection", "Qualification", "Justification", "Closing", "Valeurs")


def _shown(message: Message) -> str:
    """What the person reads of a message: its text and its blocks' texts."""
    return (message.text or "") + json.dumps(message.blocks or [], ensure_ascii=False)


def _upload(world: World, user: str, data: bytes = UPLOAD, text: str = "id: ae-2027") -> Message:
    before = len(world.dms(user))
    assert world.driver.upload_file(user, "matrice AE.tsv", data, text=text).ok
    messages = world.dms(user)
    assert len(messages) == before + 2, [m.text for m in messages]  # the upload, one answer
    return messages[-1]


def _stored(world: World) -> list[WorkspaceReferentiel]:
    with world.session() as session:
        return list(session.scalars(select(WorkspaceReferentiel)))


def _pending(world: World) -> int:
    with world.session() as session:
        return session.scalar(select(func.count()).select_from(ReferentielUpload)) or 0


def _answer(world: World, user: str, text: str) -> str:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    return found[-1].text or ""


def _click_again(world: World, driver: SlackDriver, user: str, review: Message) -> None:
    """Add clicked a second time on the review as it was (a double click, a retry)."""
    [button] = [b for b in SlackDriver.buttons(review) if b.get("action_id") == ids.REFERENTIEL_ADD]
    team = world.emulator.workspace.team_id
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team, "domain": "palier-demo"},
        "user": {"id": user, "team_id": team},
        "api_app_id": "A0PALIERAPP",
        "token": "x",
        "trigger_id": world.emulator.issue_trigger(user),
        "response_url": world.emulator.issue_response_url(
            user, review.channel, message_ts=review.ts
        ),
        "container": {"type": "message", "channel_id": review.channel, "message_ts": review.ts},
        "actions": [
            {
                "action_id": ids.REFERENTIEL_ADD,
                "block_id": ids.REFERENTIEL_UPLOAD_BLOCK,
                "type": "button",
                "value": button["value"],
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    assert driver.post(body, "application/x-www-form-urlencoded").ok


def test_an_admin_adds_an_uploaded_referentiel_and_enrols_someone_on_it(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)  # en-US
    review = _upload(world, BOB)
    shown = _shown(review)
    assert "Review “AE Nord 2027” before adding it to this workspace" in shown
    assert "skills matrix, 5 competencies, under the id `ae-2027`" in shown
    assert "layout decisions to check against the source" in shown
    assert SlackDriver.button_labels(review) == ["Add to the workspace", "Cancel"]
    # Read with the bot token, after files.info said its size.
    [download] = world.emulator.calls_to("files.download")
    assert download.status == 200 and download.token == world.emulator.bot_token
    assert _stored(world) == []

    world.driver.click(BOB, review, text="Add to the workspace")
    world.emulator.settle()
    added = world.emulator.message(review.channel, review.ts)
    assert added is not None
    assert added.text == (
        "“AE Nord 2027” is added to this workspace under the id `ae-2027`: "
        "enrol people on it with that id."
    )
    assert SlackDriver.button_labels(added) == []

    # The same click again, in another Palier process: nothing stored twice.
    other = world.process()
    _click_again(
        world, SlackDriver(world.servers[-1].url, SIGNING_SECRET, world.emulator), BOB, review
    )
    world.emulator.settle()
    again = world.emulator.message(review.channel, review.ts)
    assert again is not None and again.text is not None
    assert again.text.startswith("“AE Nord 2027” was already added to this workspace")
    [row] = _stored(world)
    assert (row.referentiel_id, row.added_by) == ("ae-2027", BOB)
    assert other.core.referentiels.get("ae-2027") is not None

    answer = _answer(world, BOB, f"admin enrol <@{ALICE}|alice> ae-2027")
    assert answer == f"<@{ALICE}> is enrolled on “AE Nord 2027”."
    with world.session() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        assert alice.referentiel_id == "ae-2027"
    # Her check-in comes at her time, in the uploaded référentiel's words.
    world.at(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    prompt = _shown(world.dms(ALICE)[-1])
    assert any(title in prompt for title in COMPETENCIES), prompt


def test_the_review_is_in_the_admin_s_language(world: World) -> None:
    world.emulator.update_user(CHLOE, is_admin=True)  # fr-FR
    review = _upload(world, CHLOE, text="")
    shown = _shown(review)
    assert "Vérifiez « AE Nord 2027 » avant de l'ajouter à cet espace de travail" in shown
    assert "sous l'identifiant `matrice-ae`" in shown  # no id typed: the file's name
    assert SlackDriver.button_labels(review) == ["Ajouter à l'espace de travail", "Annuler"]
    world.driver.click(CHLOE, review, text="Annuler")
    world.emulator.settle()
    cancelled = world.emulator.message(review.channel, review.ts)
    assert cancelled is not None and cancelled.text == "Annulé : `matrice-ae` n'a pas été ajouté."
    assert _stored(world) == [] and _pending(world) == 0


def test_someone_who_is_not_an_admin_is_refused_and_the_file_is_not_read(world: World) -> None:
    world.enrol(ALICE)
    answer = _upload(world, ALICE)
    assert answer.text == (
        "Seuls les administrateurs de Palier de cet espace de travail peuvent ajouter un "
        "référentiel. Rien n'a été conservé."
    )
    assert world.emulator.calls_to("files.download") == []
    assert _pending(world) == 0 and _stored(world) == []


def test_a_broken_file_gets_one_clear_answer_and_nothing_is_kept(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    answer = _upload(world, BOB, b"Bonjour\tle monde\n", text="")
    assert answer.text is not None
    assert answer.text.startswith(
        "matrice AE.tsv could not be read as a référentiel; nothing was kept:"
    )
    assert "neither a skills matrix nor a certification référentiel" in answer.text
    assert SlackDriver.button_labels(answer) == []
    assert _pending(world) == 0 and _stored(world) == []


def test_an_id_of_a_built_in_referentiel_is_refused(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    answer = _upload(world, BOB, text="account-executive")
    assert answer.text == (
        "The id `account-executive` is already one of Palier's référentiels. Upload the file "
        "again with another id in the message, for example `id: account-executive-2`. "
        "Nothing was kept."
    )
    assert _pending(world) == 0


def test_a_file_shared_in_a_channel_is_not_read(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    channel = world.emulator.add_channel("C0VENTES", "ventes", members=[BOB])
    assert world.driver.upload_file(BOB, "matrice.tsv", UPLOAD, channel=channel.id).ok
    world.emulator.settle()
    assert world.emulator.calls_to("files.info") == []
    assert world.dms(BOB) == [] and _pending(world) == 0


def test_without_files_read_the_admin_is_told_and_nothing_is_kept(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    world.emulator.withhold_scope("files:read")
    answer = _upload(world, BOB)
    assert answer.text == (
        "Palier could not fetch matrice AE.tsv: nothing was kept. Upload it again in a moment."
    )
    assert _pending(world) == 0


def test_an_upload_slack_delivers_again_is_answered_once(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    delivered = world.driver.upload_file(BOB, "matrice AE.tsv", UPLOAD, text="ae-2027")
    world.emulator.settle()  # answered; then Slack, not told in time, delivers it again
    retry = world.driver.post(
        json.dumps(delivered.payload).encode(),
        "application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert delivered.ok and retry.ok
    answers = [m for m in world.dms(BOB) if m.user != BOB]
    assert len(answers) == 1 and _pending(world) == 1
    assert len(world.emulator.calls_to("files.download")) == 1


def test_a_long_review_fits_slack_and_says_how_many_decisions_are_not_shown(world: World) -> None:
    world.emulator.update_user(BOB, is_admin=True)
    seed = Path(__file__).parents[1] / "seeds" / "003_4ce0cbe0f316cec3.txt"
    review = _upload(world, BOB, seed.read_bytes(), text="rdc-2027")
    shown = _shown(review)  # posted: the emulator checked it against Block Kit's limits
    assert "certification référentiel, 20 competencies, under the id `rdc-2027`" in shown
    assert "15 layout decisions to check against the source" in shown
    assert "… and 3 more decisions" in shown
    assert SlackDriver.button_labels(review) == ["Add to the workspace", "Cancel"]
