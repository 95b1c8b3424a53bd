"""Reading @mentions out of a Teams message, as the Teams SDK parses the activity: who a
tag is comes from its entity, never from the text alone; Palier's own mention (how one
speaks to it in a group chat) is no word of the command."""

from __future__ import annotations

import warnings
from typing import Any

from handlers.teams.mentions import Mentioned, command_text, words

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.activities.message.message import MessageActivity

PALIER = "28:app-id"


def _activity(text: str, *mentions: dict[str, Any]) -> Any:
    return MessageActivity.model_validate(
        {
            "type": "message",
            "id": "1",
            "text": text,
            "from": {"id": "29:chloe", "aadObjectId": "aad-chloe", "name": "Chloé"},
            "recipient": {"id": PALIER, "name": "Palier"},
            "conversation": {"id": "19:chat@thread.v2", "conversationType": "groupChat"},
            "channelId": "msteams",
            "serviceUrl": "https://smba.example/",
            "entities": [{"type": "mention", **m} for m in mentions],
        }
    )


def test_a_mention_is_one_word_naming_the_person_its_entity_says() -> None:
    activity = _activity(
        "1on1 <at>Alice Martin</at> schedule lundi 10:00",
        {"mentioned": {"id": "29:alice", "name": "Alice Martin"}, "text": "<at>Alice Martin</at>"},
    )
    assert words(activity) == [
        "1on1",
        Mentioned("29:alice", "Alice Martin"),
        "schedule",
        "lundi",
        "10:00",
    ]
    assert command_text(activity) == "1on1 @Alice Martin schedule lundi 10:00"


def test_palier_s_own_mention_is_left_out_and_an_entra_id_is_kept() -> None:
    activity = _activity(
        '<at id="0">Palier</at> 1on1 <at id="1">Ann &amp; Bo</at>',
        {"mentioned": {"id": PALIER, "name": "Palier"}, "text": '<at id="0">Palier</at>'},
        {
            "mentioned": {"id": "29:ann", "name": "Ann & Bo", "aadObjectId": "aad-ann"},
            "text": "<at>@Ann &amp; Bo</at>",  # not the text's very tag: matched by name
        },
    )
    assert words(activity) == ["1on1", Mentioned("29:ann", "Ann & Bo", "aad-ann")]
    assert command_text(activity) == "1on1 @Ann & Bo"


def test_a_tag_no_entity_vouches_for_is_only_words() -> None:
    activity = _activity("1on1 <at>Alice Martin</at>")
    assert words(activity) == ["1on1", "Alice", "Martin"]
    forged = _activity(
        "1on1 <at>Alice Martin</at>",
        {"mentioned": {"id": "29:bob", "name": "Bob"}, "text": "<at>Bob</at>"},
    )
    assert words(forged) == ["1on1", "Alice", "Martin"]  # Bob's entity is not this tag
