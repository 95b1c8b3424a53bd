"""Validly signed, malformed payloads of every kind Palier listens to, through the real Bolt
app over HTTP: never a 5xx, never an unhandled exception, nothing changed.

Each payload is one of Palier's own (a slash command, each button, each modal's
submission, the message shortcut, ``user_change`` and ``app_home_opened``) with one
field Palier relies on replaced by a value of the wrong shape — a string user, a
view without input blocks, ``1e400`` or ``2**63`` as an id, ``²`` as a digit, a
missing view, a page of 10^20, an email over 320 characters… The seed is fixed, so
every run sends the same payloads.
"""

from __future__ import annotations

import copy
import json
import logging
import random
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from handlers.slack import ids
from handlers.slack.payloads import parse_payload
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOneNote,
    OneOnOneTopic,
    Person,
    Rating,
    Submission,
)
from tests.slack.conftest import ALICE, Errors, World

PAYLOADS = 1_200
SEED = 20261202
TEAM = "T0PALIER"
DELETE = object()  # the field is left out

Json = dict[str, Any]
Path = tuple[str | int, ...]

BAD_IDS: list[Any] = [None, 42, 1e300, "²", "u0alice", "", "U" * 40, [], {}, "U0AL ICE", True]
BAD_FORM_IDS: list[Any] = ["²", "u0alice", "", "U" * 40, "U0AL ICE", "null", DELETE]
BAD_ROW_IDS: list[Any] = [
    "²",
    "1e400",
    str(2**63),
    "-1",
    "0",
    "",
    "1.5",
    "٣",
    "9" * 30,
    7,
    None,
    DELETE,
]
BAD_METADATA: list[Any] = [
    '{"prompt_id": 1e400, "report_id": 1e400, "evidence_id": 1e400}',
    '{"prompt_id": 9223372036854775808, "report_id": 9223372036854775808, '
    '"evidence_id": 9223372036854775808}',
    '{"prompt_id": "²", "report_id": "²", "evidence_id": "²"}',
    '{"prompt_id": -4, "report_id": 0, "evidence_id": -1}',
    "not json",
    "[]",
    "²",
    42,
]
HOME_METADATA: list[Any] = [
    '{"page": 1e400}',
    '{"page": 100000000000000000000}',
    '{"page": -1}',
    "x",
]
DONE_VALUES: list[Any] = [
    '{"r": 1e400, "s": "2026-11-26T15:00:00+00:00"}',
    '{"r": 9223372036854775808, "s": "2026-11-26T15:00:00+00:00"}',
    '{"r": 3, "s": "2026-11-26T15:00:00+00:00", "l": 1e400}',
    '{"r": "²", "s": "x"}',
    "²",
    DELETE,
]
BAD_TRIGGERS: list[Any] = [None, "", "a trigger", 5, ["1.2.3"], DELETE]
BAD_OBJECTS: list[Any] = ["U0ALICE", 7, None, [], DELETE]
LONG_EMAIL = "a" * 60 + "@" + "b" * 300 + ".fr"


def _command(user: str) -> Json:
    return {
        "command": "/palier",
        "text": "me",
        "team_id": TEAM,
        "user_id": user,
        "trigger_id": "1.2.abc",
    }


def _interaction(kind: str, user: str) -> Json:
    return {
        "type": kind,
        "team": {"id": TEAM, "domain": "palier-demo"},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0PALIERAPP",
        "trigger_id": "1.2.abc",
    }


def _click(user: str, action_id: str, value: str, view: Json | None = None) -> Json:
    payload = _interaction("block_actions", user)
    payload["actions"] = [
        {"action_id": action_id, "block_id": "b", "type": "button", "value": value}
    ]
    if view is not None:
        payload["view"] = view
    return payload


def _view(callback_id: str, metadata: str, block: str) -> Json:
    return {
        "id": "V0VIEW",
        "hash": "1.hash",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "blocks": [{"type": "input", "block_id": block}],
        "state": {"values": {}},
    }


def _submission(user: str, view: Json) -> Json:
    payload = _interaction("view_submission", user)
    payload["view"] = view
    return payload


def _event(event: Json) -> Json:
    return {
        "token": "emulator-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0PALIERAPP",
        "type": "event_callback",
        "event_id": "Ev0FUZZ",
        "event_time": 1,
        "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
        "event": event,
    }


# (a well-formed payload, [(a field Palier relies on, wrong values for it)]).
Fields = list[tuple[Path, list[Any]]]
Case = tuple[Json, Fields]


def _cases(prompt_id: int) -> list[Case]:
    user: Fields = [
        (("user", "id"), BAD_IDS),
        (("user",), BAD_OBJECTS),
        (("trigger_id",), BAD_TRIGGERS),
    ]
    cases: list[Case] = [
        (
            _command(ALICE),
            [
                (("user_id",), BAD_FORM_IDS),
                (("team_id",), BAD_FORM_IDS),
                (("trigger_id",), ["", "a trigger", DELETE]),
                (("text",), ["x" * 5_000]),
            ],
        )
    ]
    for action_id in (
        ids.START_CHECKIN,
        ids.SKIP_CHECKIN,
        ids.SNOOZE_CHECKIN,
        f"{ids.REVIEW_OPEN}:{prompt_id}",
        f"{ids.HOME_EVIDENCE_EDIT}:1",
        f"{ids.HOME_EVIDENCE_DELETE}:1",
        ids.ONE_ON_ONE_NOTE,
    ):
        cases.append(
            (
                _click(ALICE, action_id, str(prompt_id)),
                [*user, (("actions", 0, "value"), BAD_ROW_IDS), (("actions",), [[], "x", [1]])],
            )
        )
    for action_id in (ids.HOME_EVIDENCE_OLDER, ids.HOME_EVIDENCE_NEWER):
        cases.append(
            (
                _click(ALICE, action_id, "1"),
                [*user, (("actions", 0, "value"), [str(10**20), "²", "-1", "1e400", DELETE])],
            )
        )
    home = _view(ids.HOME_VIEW, json.dumps({"page": 1}), "b") | {"type": "home"}
    for action_id in (
        ids.HOME_CHECKIN_NOW,
        ids.HOME_LOG_EVIDENCE,
        ids.HOME_PAUSE,
        ids.HOME_RESUME,
        ids.HOME_SCHEDULE,
        ids.HOME_LANGUAGE,
    ):
        cases.append(
            (
                _click(ALICE, action_id, "x", view=home),
                [
                    *user,
                    (("view", "private_metadata"), HOME_METADATA),
                    (("view", "id"), BAD_IDS),
                ],
            )
        )
    cases.append((_click(ALICE, ids.PRIVACY_DELETE, "erase"), user))
    done = json.dumps({"r": prompt_id, "s": "2026-11-26T15:00:00+00:00", "l": None})
    cases.append(
        (
            _click(ALICE, ids.ONE_ON_ONE_DONE, done),
            [*user, (("actions", 0, "value"), DONE_VALUES)],
        )
    )
    competency = _click(ALICE, ids.EV_COMPETENCY_ACTION, "")
    competency["view"] = _view(ids.EVIDENCE_VIEW, "", ids.EV_TEXT_BLOCK)
    cases.append(
        (
            competency,
            [*user, (("view",), BAD_OBJECTS), (("view", "hash"), [None, DELETE, 5])],
        )
    )
    checkin = json.dumps({"prompt_id": prompt_id, "channel": None, "ts": None})
    views = [
        (ids.CHECKIN_VIEW, checkin, "topic"),
        (ids.EVIDENCE_VIEW, "", ids.EV_TEXT_BLOCK),
        (ids.REVIEW_VIEW, json.dumps({"report_id": prompt_id}), ids.REVIEW_COMMENT_BLOCK),
        (ids.ONE_ON_ONE_NOTE_VIEW, str(prompt_id), ids.ONE_ON_ONE_NOTE_BLOCK),
        (ids.HOME_PAUSE_VIEW, "", ids.HOME_PAUSE_BLOCK),
        (ids.HOME_SCHEDULE_VIEW, "", ids.HOME_TIME_BLOCK),
        (ids.HOME_LANGUAGE_VIEW, "", ids.HOME_LANGUAGE_BLOCK),
    ]
    for callback_id, metadata, block in views:
        fields: Fields = [
            *user[:2],
            (("view",), BAD_OBJECTS),
            (("view", "id"), BAD_IDS),
            (("view", "blocks"), [[], [{"type": "section", "block_id": "s"}], "x", [7]]),
            (("view", "state", "values"), ["x", {"b": "x"}, {"b": {"a": 5}}]),
        ]
        if callback_id != ids.EVIDENCE_VIEW and metadata:
            fields.append((("view", "private_metadata"), BAD_METADATA))
        cases.append((_submission(ALICE, _view(callback_id, metadata, block)), fields))
    shortcut = _interaction("message_action", ALICE)
    shortcut |= {
        "callback_id": ids.LOG_EVIDENCE_SHORTCUT,
        "channel": {"id": "C0GENERAL"},
        "message": {"ts": "1764165600.000100", "text": "Acme signé"},
    }
    cases.append(
        (
            shortcut,
            [
                *user,
                (("channel",), BAD_OBJECTS),
                (("channel", "id"), BAD_IDS),
                (("message",), BAD_OBJECTS),
                (("message", "ts"), [1e400, "1e400", "²", None, DELETE]),
            ],
        )
    )
    changed = {
        "id": ALICE,
        "team_id": TEAM,
        "tz": "Asia/Tokyo",
        "deleted": True,
        "profile": {"email": "alice@example.fr", "real_name": "Alice"},
    }
    cases.append(
        (
            _event({"type": "user_change", "user": changed}),
            [
                (("event", "user"), BAD_OBJECTS),
                (("event", "user", "id"), BAD_IDS),
                (("event", "user", "profile", "email"), [LONG_EMAIL, 5, "no-at-sign"]),
                (("event", "user", "tz"), [5, "x" * 300]),
                (("team_id",), BAD_IDS),
            ],
        )
    )
    cases.append(
        (
            _event({"type": "app_home_opened", "user": ALICE, "tab": "home"}),
            [(("event", "user"), BAD_IDS), (("team_id",), BAD_IDS)],
        )
    )
    return cases


def _mutate(payload: Json, path: Path, value: Any) -> Json:
    mutated = copy.deepcopy(payload)
    node: Any = mutated
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return mutated


def _send(world: World, payload: Json) -> int:
    if payload.get("type") == "event_callback":
        body, kind = json.dumps(payload).encode(), "application/json"
    elif "command" in payload:
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        body, kind = urlencode(fields).encode(), "application/x-www-form-urlencoded"
    else:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        kind = "application/x-www-form-urlencoded"
    return world.driver.post(body, kind).status


def _snapshot(world: World) -> list[Any]:
    tables: list[Callable[[], Any]] = [
        lambda: select(
            Person.id, Person.timezone, Person.active, Person.locale, Person.paused_until
        ),
        lambda: select(CheckinPrompt.id, CheckinPrompt.status, CheckinPrompt.snoozed_until),
        lambda: select(Rating.id),
        lambda: select(Evidence.id, Evidence.text),
        lambda: select(OneOnOneNote.id),
        lambda: select(OneOnOneTopic.id),
        lambda: select(Submission.id),
    ]
    with world.session() as session:
        return [sorted(tuple(row) for row in session.execute(query())) for query in tables]


def test_malformed_payloads_never_give_a_5xx_an_exception_or_a_change(
    world: World, caplog: pytest.LogCaptureFixture, errors: Errors
) -> None:
    world.enrol(ALICE)
    world.at(world.now().replace(hour=15, minute=0))  # Thursday 16:00 in Paris
    assert world.tick().sent == 1
    [prompt] = world.prompts(ALICE)
    before = _snapshot(world)
    cases = _cases(prompt.id)
    chooser = random.Random(SEED)
    statuses: list[int] = []
    with caplog.at_level(logging.WARNING):
        for _ in range(PAYLOADS):
            payload, fields = chooser.choice(cases)
            path, values = chooser.choice(fields)
            statuses.append(_send(world, _mutate(payload, path, chooser.choice(values))))
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {200}
    failures = errors.records()
    assert failures == [], failures[0].getMessage() if failures else ""
    # Every one was refused at the edge: no listener ran for any of them.
    # Every one was refused at the edge (by Palier's parsing, or as a request Bolt cannot
    # read): no listener ran for any of them.
    refused = [
        r
        for r in caplog.records
        if "payload refused" in r.getMessage() or "Bolt cannot read" in r.getMessage()
    ]
    assert len(refused) == PAYLOADS
    assert _snapshot(world) == before


def test_the_fuzzers_payloads_are_well_formed_until_one_field_is_broken() -> None:
    """Each base payload parses (so each refusal above is for the one field broken)."""
    for payload, fields in _cases(prompt_id=12):
        assert parse_payload(payload) is not None
        assert fields
