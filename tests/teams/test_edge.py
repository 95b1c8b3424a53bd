"""What the edge in front of the Teams SDK changes (handlers/teams/edge.py): only the
``trigger`` of an ``adaptiveCard/action`` invoke that the SDK cannot read, and only on the
messaging endpoint; the end-to-end refresh is in test_home_refresh.py."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from handlers.teams.edge import TeamsEdge, readable


def _invoke(trigger: str | None, name: str = "adaptiveCard/action") -> dict[str, Any]:
    value: dict[str, Any] = {"action": {"type": "Action.Execute", "verb": "v", "data": {"a": 1}}}
    if trigger is not None:
        value["trigger"] = trigger
    return {"type": "invoke", "name": name, "id": "f:1", "value": value}


def _bytes(activity: Any) -> bytes:
    return json.dumps(activity).encode()


def test_only_a_trigger_the_sdk_does_not_know_is_dropped() -> None:
    automatic = json.loads(readable(_bytes(_invoke("automatic"))))
    assert automatic == _invoke(None)
    for unchanged in (
        _invoke("manual"),
        _invoke(None),
        _invoke("automatic", name="task/fetch"),
        {"type": "message", "text": "automatic", "value": {"trigger": "automatic"}},
        ["not", "an", "activity"],
    ):
        body = _bytes(unchanged)
        assert readable(body) is body
    assert readable(b"{not json") == b"{not json"


def _through(path: str, body: bytes, chunks: int = 1) -> tuple[dict[str, Any], bytes]:
    """``body`` POSTed to ``path`` through the edge: what the app behind it gets."""
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        received = b""
        while True:
            message = await receive()
            received += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen.update(scope=scope, body=received)

    size = max(1, len(body) // chunks)
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    messages = [
        {"type": "http.request", "body": piece, "more_body": index < len(pieces) - 1}
        for index, piece in enumerate(pieces)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: Any) -> None:
        return None

    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    asyncio.run(TeamsEdge(app)(scope, receive, send))
    return seen["scope"], seen["body"]


def test_the_edge_rewrites_the_messaging_endpoints_body_and_its_length() -> None:
    scope, body = _through("/api/messages", _bytes(_invoke("automatic")), chunks=3)
    assert json.loads(body) == _invoke(None)
    assert dict(scope["headers"])[b"content-length"] == str(len(body)).encode()
    _, elsewhere = _through("/other", _bytes(_invoke("automatic")))
    assert json.loads(elsewhere) == _invoke("automatic")
