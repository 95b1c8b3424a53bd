"""@mentions in a person's message, as Teams sends them ("Channel and group chat
conversations with a bot", Work with mentions): ``<at>Name</at>`` in the text and a
``mention`` entity with the person's Teams id and name — read by the Teams SDK's models."""

from __future__ import annotations

import warnings

import pytest

from emulators.teams import DriverError, TeamsDriver, User

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities.message.message import MessageActivity
    from microsoft_teams.api.models.entity import ClientInfoEntity, MentionEntity


def test_a_mention_is_in_the_text_and_an_entity_with_the_persons_teams_id(
    driver: TeamsDriver, alice: User, bob: User
) -> None:
    driver.install(alice)
    text = f"1on1 {driver.mention(bob)} schedule lundi 10:00"
    assert text == "1on1 <at>Bob Stone</at> schedule lundi 10:00"
    response = driver.send_message(alice, text, mentions=[bob])
    assert response.status == 200
    activity = response.activity
    assert activity is not None and activity["text"] == text
    mention = {
        "type": "mention",
        "mentioned": {"id": bob.id, "name": "Bob Stone"},
        "text": "<at>Bob Stone</at>",
    }
    assert activity["entities"][0] == mention
    assert activity["entities"][1]["type"] == "clientInfo"  # still there, after it
    # The Teams SDK reads it as a mention of Bob (his Teams id, no Entra id: Teams sends none).
    parsed = MessageActivity.model_validate(activity)
    entities = parsed.entities or []
    assert isinstance(entities[0], MentionEntity) and isinstance(entities[1], ClientInfoEntity)
    assert entities[0].mentioned.id == bob.id and entities[0].mentioned.aad_object_id is None
    assert entities[0].text == "<at>Bob Stone</at>"
    # What the person sees in their chat is what they wrote.
    assert [m.text for m in driver.messages(alice) if not m.from_bot][-1] == text


def test_a_message_without_mentions_has_no_mention_entity(driver: TeamsDriver, alice: User) -> None:
    driver.install(alice)
    activity = driver.send_message(alice, "hello <at>nobody</at>").activity
    assert activity is not None
    assert [e["type"] for e in activity["entities"]] == ["clientInfo"]


def test_a_mention_the_text_does_not_hold_is_the_tests_mistake(
    driver: TeamsDriver, alice: User, bob: User
) -> None:
    driver.install(alice)
    with pytest.raises(DriverError, match="Bob Stone"):
        driver.send_message(alice, "1on1 @Bob", mentions=[bob])
    assert not any(not m.from_bot for m in driver.messages(alice))
