"""People's names and words reach others as they typed them, never as Slack markup.

Alice, a report, is named ``<!channel> *Boss*`` and writes a link, a ``<!here>`` and
formatting in her evidence and 1:1 topic; Chloé, her manager, is named with
formatting too and comments on the review. Every message each of them then gets —
the weekly digest, the review list and its modal, the review's notice and its
confirmation, the team view, the 1:1 brief — is checked in its blocks and in its
top-level ``text`` (the notification, which Slack also reads as mrkdwn): no mention,
no link, no formatting from what they typed; the words themselves are there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from emulators.slack.server import Message
from handlers.slack.builders.mrkdwn import name_text, user_text
from storage.models import Person, Role
from tests.slack.conftest import ALICE, CHLOE, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
FRIDAY_1030_UTC = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)  # 16:00 in Kolkata (Chloé)
REPORT_NAME = "<!channel> *Boss*"
MANAGER_NAME = "_Chef_ ~Grand~ `Ops`"
EVIDENCE = "<https://evil.example|cliquez ici> *urgent* signé"
TOPIC = "<!here> `rm -rf` ~barré~"
COMMENT = "<@U0BOB> *bravo* _vraiment_"
# What none of the messages may contain: the markup as typed.
RAW = (
    "<!channel>",
    "<!here>",
    "<https://evil",
    "<@U0BOB>",
    "*Boss*",
    "_Chef_",
    "~Grand~",
    "`Ops`",
    "*urgent*",
    "`rm -rf`",
    "~barré~",
    "*bravo*",
    "_vraiment_",
)


def _mrkdwn(value: Any) -> Iterator[str]:
    """Every mrkdwn string of a block tree (plain_text and raw_text are not read as markup)."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for item in value.values():
            yield from _mrkdwn(item)
    elif isinstance(value, list):
        for item in value:
            yield from _mrkdwn(item)


def _clean(message: Message, *expected: str) -> None:
    texts = [message.text or "", *_mrkdwn(message.blocks or [])]
    for text in texts:
        for raw in RAW:
            assert raw not in text, (raw, text)
    everything = "\n".join(texts)
    for words in expected:
        assert words in everything, (words, everything)


def _setup(world: World) -> None:
    world.emulator.update_user(ALICE, real_name=REPORT_NAME, name=REPORT_NAME)
    world.emulator.update_user(CHLOE, real_name=MANAGER_NAME, name=MANAGER_NAME)
    alice = world.enrol(ALICE)
    chloe = world.enrol(CHLOE, role=Role.MANAGER)
    with world.session() as session, session.begin():
        person = session.get(Person, alice)
        assert person is not None
        person.manager_id = chloe
    with world.session() as session:
        names = set(session.scalars(select(Person.display_name)))
    assert names == {REPORT_NAME, MANAGER_NAME}
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, action_id="checkin_start")
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    values = {
        b["block_id"]: "Intermédiaire"
        for b in modal.blocks
        if b.get("block_id", "").startswith("level:")
    }
    values["evidence:closing"] = EVIDENCE
    values["topic"] = TOPIC
    assert world.driver.submit_view(ALICE, modal, values).outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(ALICE)) >= 2 or None)


def _ephemeral(world: World, user: str, text: str) -> Message:
    seen = len(world.emulator.ephemerals_for(user))
    assert world.driver.slash_command(user, "/palier", text).ok
    return world.emulator.wait_for(
        lambda: m[-1] if len(m := world.emulator.ephemerals_for(user)) > seen else None
    )


REPORT = user_text(REPORT_NAME)  # "&lt;!channel&gt; ∗Boss∗"
MANAGER = user_text(MANAGER_NAME)


def test_names_and_words_reach_others_escaped_in_blocks_and_notification_text(
    world: World,
) -> None:
    _setup(world)

    # The weekly digest, in Chloé's DM.
    world.at(FRIDAY_1030_UTC)
    assert world.tick().digests == 1
    digest = next(m for m in world.dms(CHLOE) if "Revue de l'équipe" in (m.text or ""))
    _clean(digest, REPORT, user_text(EVIDENCE))

    # The review list, the review modal, the report's notice and the manager's confirmation.
    listing = _ephemeral(world, CHLOE, "review")
    _clean(listing, REPORT)
    row = next(b for b in listing.blocks or [] if REPORT in b.get("text", {}).get("text", ""))
    world.driver.click(CHLOE, listing, action_id=row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    for text in _mrkdwn(modal.blocks):
        assert not any(raw in text for raw in RAW), text
    assert any(REPORT in text for text in _mrkdwn(modal.blocks))
    share = next(
        option["text"]["text"]
        for b in modal.blocks
        if b.get("block_id") == "review_share"
        for option in b["element"]["options"]
    )
    answer = world.driver.submit_view(
        CHLOE, modal, {"review_comment": COMMENT, "review_share": [share]}
    )
    assert answer.outcome == "close"
    told = world.emulator.wait_for(
        lambda: next((m for m in world.dms(ALICE) if "a revu" in (m.text or "")), None)
    )
    _clean(told, MANAGER, user_text(COMMENT))
    assert told.text == f"*{MANAGER}* a revu votre check-in :"
    saved = world.emulator.wait_for(
        lambda: next((m for m in world.dms(CHLOE) if "Revue enregistrée" in (m.text or "")), None)
    )
    _clean(saved, REPORT)

    # The team view: its table comes to the manager's DM in attachments, where cells are
    # raw_text (never read as markup), so the name shows there exactly as typed.
    seen = len(world.dms(CHLOE))
    _clean(_ephemeral(world, CHLOE, "team"))
    table = world.emulator.wait_for(
        lambda: next((m for m in world.dms(CHLOE)[seen:] if m.attachments), None)
    )
    _clean(table)
    assert not any(raw in text for text in _mrkdwn(table.attachments) for raw in RAW)
    cells = [
        cell.get("text")
        for attachment in table.attachments or []
        for block in attachment.get("blocks", [])
        if block["type"] == "table"
        for row in block["rows"]
        for cell in row
    ]
    assert REPORT_NAME in cells

    # The 1:1 brief: blocks and the fallback text.
    brief = _ephemeral(world, CHLOE, "1on1 <@U0ALICE|alice>")
    _clean(brief, REPORT, user_text(TOPIC), "cliquez ici")
    assert brief.text == f"Brief 1:1 : {REPORT}"


def test_the_helpers() -> None:
    assert user_text("<!channel> & *Boss*") == "&lt;!channel&gt; &amp; ∗Boss∗"
    assert user_text("_a_ ~b~ `c`") == "＿a＿ ∼b∼ ˋcˋ"
    assert name_text(None, "U0ALICE") == "<@U0ALICE>"
    assert name_text("*Boss*", "U0ALICE") == "∗Boss∗"


def test_a_failed_prompt_names_the_person_escaped_in_the_admins_status(world: World) -> None:
    world.emulator.update_user(CHLOE, is_admin=True)
    world.emulator.update_user(ALICE, real_name=REPORT_NAME, name=REPORT_NAME)
    world.enrol(ALICE)
    world.emulator.update_user(ALICE, deleted=True)  # her prompt fails: deactivated
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    _clean(_ephemeral(world, CHLOE, "admin status"), f"{REPORT} (2026-W48)")
