"""The edge: malformed-but-signed requests are refused or answered politely, never a 5xx;
a listener that fails after its acknowledgement is logged and the person told."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.middleware import IgnoringSelfEvents
from sqlalchemy import select

from bot.domain.checkin import CheckinService
from emulators.slack.driver import sign_request
from handlers.slack import ids
from handlers.slack.markup import slack_translator
from storage.models import CheckinPrompt, Evidence, OneOnOneTopic, Person, PromptStatus, Rating
from tests.slack.conftest import ALICE, BOB, CHLOE, SIGNING_SECRET, Errors, World

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
MALFORMED = "Je n'ai pas pu lire cette demande : rien n'a été modifié. Réessayez depuis Slack."
FAILED = "Oups, quelque chose s'est mal passé de mon côté. Réessayez dans un instant."


def _prompted(world: World) -> CheckinPrompt:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 1
    [prompt] = world.prompts(ALICE)
    return prompt


def _ephemeral_texts(world: World, user: str) -> list[str]:
    return [m.text or "" for m in world.emulator.ephemerals_for(user)]


@pytest.mark.parametrize("stamp", ["1.5", "abc", "1e400", "9" * 5000, "²³", "-1", " 12", ""])
def test_a_malformed_timestamp_header_is_refused_with_401(world: World, stamp: str) -> None:
    body = urlencode({"command": "/palier", "text": "help", "team_id": "T0PALIER"}).encode()
    answer = world.driver.post(
        body,
        "application/x-www-form-urlencoded",
        headers={
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign_request(SIGNING_SECRET, stamp, body),
        },
    )
    assert answer.status == 401


def test_a_listener_failing_after_its_ack_is_logged_and_the_person_told(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _prompted(world)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(CheckinService, "skip", broken)
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    with caplog.at_level(logging.WARNING):
        answer = world.driver.click(ALICE, prompt, text="Passer cette semaine")
        world.emulator.wait_for(lambda: FAILED in _ephemeral_texts(world, ALICE))
    assert answer.status == 200  # acknowledged: not Bolt's 404 "unhandled request"
    failures = [r for r in caplog.records if r.name == "handlers.slack.edge"]
    assert failures and failures[0].exc_info is not None  # logged with its traceback
    assert not any("Failed to run listener" in r.getMessage() for r in caplog.records)


def test_a_malformed_click_is_answered_and_changes_nothing(
    world: World, caplog: pytest.LogCaptureFixture, errors: Errors
) -> None:
    prompt = _prompted(world)
    with caplog.at_level(logging.WARNING):
        for value in ("²", "1e400", str(2**63), "-3", ""):
            answer = world.forge_click(ALICE, ids.SKIP_CHECKIN, value)
            assert answer.status == 200
    world.emulator.wait_for(lambda: _ephemeral_texts(world, ALICE).count(MALFORMED) == 5)
    with world.session() as session:
        stored = session.scalars(select(CheckinPrompt)).one()
        assert stored.id == prompt.id and stored.status == PromptStatus.SENT
    refused = [r for r in caplog.records if "malformed block_actions" in r.getMessage()]
    assert len(refused) == 5
    assert errors.records() == []


def test_a_malformed_command_gets_an_ephemeral_answer(world: World) -> None:
    fields = {
        "command": "/palier",
        "text": "me",
        "team_id": "T0PALIER",
        "user_id": "not an id",
        "trigger_id": "1.2.abc",
        "response_url": world.emulator.issue_response_url(
            ALICE, world.emulator.dm_channel_id(ALICE)
        ),
    }
    answer = world.driver._post_form(fields, "slash_command")
    assert answer.status == 200
    assert answer.json() == {"response_type": "ephemeral", "text": MALFORMED}


def test_a_submission_with_a_non_ascii_id_keeps_the_modal_open_with_a_message(
    world: World,
) -> None:
    payload = {
        "type": "view_submission",
        "team": {"id": "T0PALIER"},
        "user": {"id": ALICE, "team_id": "T0PALIER"},
        "trigger_id": "1.2.abc",
        "view": {
            "id": "V0FORGED",
            "type": "modal",
            "callback_id": ids.ONE_ON_ONE_NOTE_VIEW,
            "private_metadata": "²",
            "blocks": [{"type": "input", "block_id": ids.ONE_ON_ONE_NOTE_BLOCK}],
            "state": {"values": {}},
        },
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    answer = world.driver.post(body, "application/x-www-form-urlencoded")
    assert answer.status == 200
    assert answer.json() == {
        "response_action": "errors",
        "errors": {ids.ONE_ON_ONE_NOTE_BLOCK: MALFORMED},
    }


def _oscar(world: World) -> Person:
    with world.session() as session:
        return session.scalars(select(Person).where(Person.platform_user_id == "U0OSCAR")).one()


def test_a_user_change_delivered_for_one_workspace_leaves_another_workspaces_person_alone(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.emulator.add_workspace("T0OTHER", "Other Co")
    oscar = world.emulator.add_user(
        "U0OSCAR", "oscar", "Oscar Roy", "oscar@other.example", team_id="T0OTHER"
    )
    world.enrol(oscar.id)
    world.emulator.update_user(oscar.id, tz="Asia/Tokyo", deleted=True)
    changed = world.emulator.user(oscar.id).to_api(world.emulator.clock(), include_locale=True)
    # Delivered for T0PALIER (envelope and authorizations), naming a user of T0OTHER.
    with caplog.at_level(logging.WARNING):
        answer = world.driver.event(
            "user_change", None, team_id="T0PALIER", user_object=changed, event_id="Ev0CROSS"
        )
        assert answer.status == 200
        # Handled once it is either ignored (said in the log) or applied.
        world.emulator.wait_for(
            lambda: (
                any("another workspace" in r.getMessage() for r in caplog.records)
                or _oscar(world).timezone != "Europe/Paris"
            )
        )
    person = _oscar(world)
    assert person.timezone == "Europe/Paris" and person.active


DIRTY = "Acme\x00 signé\x07 après\x1b[31m 3 rendez-vous\x9b\n\tet un DAF ravi"
CLEAN = "Acme signé après[31m 3 rendez-vous\n\tet un DAF ravi"


def test_control_characters_in_text_are_stripped_and_the_rest_is_kept(world: World) -> None:
    """Evidence, a check-in's evidence and topic, a review comment: NUL and the other
    control characters are stripped (PostgreSQL refuses NUL), newlines and tabs kept."""
    for user in (ALICE, CHLOE):
        world.enrol(user)
    with world.session() as session, session.begin():
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        people[ALICE].manager_id = people[CHLOE].id
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, action_id=ids.START_CHECKIN)
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    values = {
        b["block_id"]: "Junior" for b in modal.blocks if b.get("block_id", "").startswith("level:")
    }
    values |= {"evidence:closing": DIRTY, "topic": DIRTY}
    assert world.driver.submit_view(ALICE, modal, values).outcome == "close"
    world.emulator.wait_for(lambda: len(world.dms(ALICE)) >= 2 or None)
    assert world.driver.slash_command(ALICE, "/palier", "log").ok
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    world.driver.click(ALICE, modal, action_id=ids.EV_COMPETENCY_ACTION, value="Closing")
    modal = world.emulator.wait_for(
        lambda: (
            (m := world.driver.modal(ALICE))
            and any(
                ids.split_block(b.get("block_id", ""))[0] == ids.EV_CRITERION_BLOCK
                for b in m.blocks
            )
            and m
        )
    )
    answer = world.driver.submit_view(ALICE, modal, {ids.EV_TEXT_BLOCK: DIRTY})
    assert answer.outcome == "close"
    world.driver.slash_command(CHLOE, "/palier", "review")
    listing = world.emulator.wait_for(lambda: world.emulator.ephemerals_for(CHLOE))[-1]
    row = next(b for b in listing.blocks if "Alice" in b.get("text", {}).get("text", ""))
    world.driver.click(CHLOE, listing, action_id=row["accessory"]["action_id"])
    modal = world.emulator.wait_for(lambda: world.driver.modal(CHLOE))
    assert world.driver.submit_view(CHLOE, modal, {"review_comment": DIRTY}).outcome == "close"
    # The review's last step (Chloé's confirmation) is done: nothing still runs after the test.
    world.emulator.wait_for(
        lambda: any("Revue enregistrée" in (m.text or "") for m in world.dms(CHLOE)) or None
    )
    with world.session() as session:
        evidence = session.scalars(select(Evidence.text)).all()
        topics = session.scalars(select(OneOnOneTopic.text)).all()
        comments = session.scalars(select(Rating.comment).where(Rating.comment.is_not(None)))
        assert set(comments) == {CLEAN}
    assert evidence == [CLEAN, CLEAN] and topics == [CLEAN]


def _forge_competency_choice(world: World, user: str, view: dict[str, Any]) -> int:
    """A signed block_actions choosing Closing, claiming to come from ``view``."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T0PALIER"},
        "user": {"id": user, "team_id": "T0PALIER"},
        "trigger_id": world.emulator.issue_trigger(user),
        "view": view,
        "actions": [
            {
                "action_id": ids.EV_COMPETENCY_ACTION,
                "block_id": ids.EV_COMPETENCY_BLOCK,
                "type": "static_select",
                "selected_option": {"value": "closing"},
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return world.driver.post(body, "application/x-www-form-urlencoded").status


def test_a_forged_view_id_leaves_someone_elses_open_modal_unchanged(
    world: World, caplog: pytest.LogCaptureFixture, errors: Errors
) -> None:
    world.enrol(ALICE)
    world.enrol(CHLOE)
    assert world.driver.slash_command(ALICE, "/palier", "log").ok
    alice = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    before = json.dumps(alice.blocks, sort_keys=True)
    forged = {
        "id": alice.id,
        "type": "modal",
        "callback_id": ids.EVIDENCE_VIEW,
        "private_metadata": "",
        "blocks": [],
        "state": {"values": {}},
    }
    with caplog.at_level(logging.WARNING):
        # Without a hash: refused at the edge. With a made-up one: Slack's hash_conflict.
        assert _forge_competency_choice(world, CHLOE, forged) == 200
        assert _forge_competency_choice(world, CHLOE, forged | {"hash": "1.forged"}) == 200
        world.emulator.wait_for(
            lambda: any("not updated: hash_conflict" in r.getMessage() for r in caplog.records)
        )
    current = world.driver.modal(ALICE)
    assert current is not None and json.dumps(current.blocks, sort_keys=True) == before
    # Palier never asked Slack to update a view without the hash the payload carried.
    assert [c.params.get("hash") for c in world.emulator.calls_to("views.update")] == ["1.forged"]
    assert errors.records() == []


def _submit_state(world: World, user: str, view: dict[str, Any], state: dict[str, Any]) -> Any:
    """A view_submission with exactly ``state`` (what no Slack input would let through)."""
    payload = {
        "type": "view_submission",
        "team": {"id": "T0PALIER"},
        "user": {"id": user, "team_id": "T0PALIER"},
        "trigger_id": world.emulator.issue_trigger(user),
        "view": view | {"state": {"values": state}},
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return world.driver.post(body, "application/x-www-form-urlencoded")


def test_a_text_too_long_is_told_on_its_field_not_refused_as_malformed(world: World) -> None:
    world.enrol(ALICE)
    assert world.driver.slash_command(ALICE, "/palier", "log").ok
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    world.driver.click(ALICE, modal, action_id=ids.EV_COMPETENCY_ACTION, value="Closing")
    modal = world.emulator.wait_for(
        lambda: (
            (m := world.driver.modal(ALICE))
            and any(
                ids.split_block(b.get("block_id", ""))[0] == ids.EV_CRITERION_BLOCK
                for b in m.blocks
            )
            and m
        )
    )
    payload = world.driver.build_state(modal, {ids.EV_TEXT_BLOCK: "x"})
    payload[ids.EV_TEXT_BLOCK][ids.EV_TEXT_ACTION]["value"] = "x" * 3_500  # past the input
    answer = _submit_state(world, ALICE, modal.to_api(), payload)
    assert answer.errors == {ids.EV_TEXT_BLOCK: slack_translator("fr")("checkin.problem.too_long")}


def test_a_malformed_click_is_answered_in_the_persons_language(world: World) -> None:
    world.enrol(BOB)  # en-US
    assert world.forge_click(BOB, ids.SKIP_CHECKIN, "1e400").status == 200
    world.emulator.wait_for(
        lambda: (
            "I couldn't read that request, so nothing was changed. Please try again from Slack."
            in _ephemeral_texts(world, BOB)
        )
    )


def test_a_failure_in_bolts_middleware_is_logged_and_acknowledged_not_a_500(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Any, **kwargs: Any) -> None:
        raise RuntimeError("a middleware broke")

    monkeypatch.setattr(IgnoringSelfEvents, "process", broken)
    with caplog.at_level(logging.ERROR):
        answer = world.driver.slash_command(ALICE, "/palier", "help")
    assert answer.status == 200
    [failure] = [r for r in caplog.records if r.name == "handlers.slack.edge"]
    assert failure.exc_info is not None and "a middleware broke" in str(failure.exc_info[1])
