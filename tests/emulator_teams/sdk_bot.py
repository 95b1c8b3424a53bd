"""A tiny bot on the real Teams SDK for Python, wired to a :class:`TeamsEmulator`.

How the SDK is pointed at the emulator (no monkeypatching; see
``/work/notes/teams_research.md`` §3f, §6):

- ``cloud=with_overrides(PUBLIC, openid_metadata_url=…, login_endpoint=…,
  token_service_url=…)``: the SDK derives the key set's URL from
  ``openid_metadata_url`` (``/openidconfiguration`` → ``/keys``) and checks ``iss``
  against ``token_issuer``, left at ``https://api.botframework.com``;
- ``token=``: an async ``(scope, tenant_id) -> str`` calling the emulator's token
  endpoint (the SDK's own client-secret path goes through MSAL, which refuses a
  non-https authority);
- ``service_url=``: the Connector for proactive sends (replies follow the activity's
  ``serviceUrl``);
- ``http_server_adapter=FastAPIAdapter(server_factory=…)``: uvicorn on a socket bound
  here to 127.0.0.1 on an ephemeral port, already listening before the server runs, so
  the first request waits in the backlog instead of racing the start-up.

The bot: a welcome on install (remembering the chat for proactive sends), an echo that
says the person's time zone, a card with an ``Action.Execute`` (answered with an updated
card), an ``Action.Submit`` and a dialog opener, the dialog's submit, a message action.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import warnings
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import uvicorn

from emulators.teams import TeamsEmulator

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the SDK's ExperimentalWarning (html_widget) at import
    from fastapi import FastAPI

    # From the defining modules: ``microsoft_teams.api.__all__`` is built at run time
    # (``__all__.extend(...)``), which mypy cannot follow.
    from microsoft_teams.api.activities.message.message import MessageActivityInput
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.api.models.adaptive_card import AdaptiveCardActionCardResponse
    from microsoft_teams.api.models.attachment import Attachment
    from microsoft_teams.api.models.messaging_extension import MessagingExtensionActionResponse
    from microsoft_teams.api.models.task_module import (
        CardTaskModuleTaskInfo,
        TaskModuleContinueResponse,
        TaskModuleMessageResponse,
        TaskModuleResponse,
    )
    from microsoft_teams.apps import App, FastAPIAdapter
    from microsoft_teams.cards import AdaptiveCard

T = TypeVar("T")
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
TIMEOUT = 60.0  # a safety net for a hung loop, never a pace


def checkin_card() -> dict[str, Any]:
    """The card the bot sends on "card"."""
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Weekly check-in", "weight": "Bolder"},
            {"type": "FactSet", "facts": [{"title": "Skill", "value": "Discovery"}]},
            {"type": "Input.Text", "id": "comment", "label": "Comment"},
        ],
        "actions": [
            # The SDK routes Action.Execute by data.action, not by verb.
            {
                "type": "Action.Execute",
                "title": "Approve",
                "verb": "approve",
                "data": {"action": "approve", "week": 7},
            },
            {"type": "Action.Submit", "title": "Send", "data": {"kind": "submit"}},
            {
                "type": "Action.Submit",
                "title": "Add a note",
                "data": {"msteams": {"type": "task/fetch"}, "dialog_id": "note"},
            },
        ],
    }


def note_card() -> dict[str, Any]:
    """The dialog's card: a required note and a level to choose."""
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {
                "type": "Input.Text",
                "id": "note",
                "label": "Note",
                "isRequired": True,
                "errorMessage": "Write a note",
            },
            {
                "type": "Input.ChoiceSet",
                "id": "level",
                "label": "Level",
                "choices": [
                    {"title": "Beginner", "value": "1"},
                    {"title": "Confirmed", "value": "2"},
                ],
            },
        ],
        "actions": [{"type": "Action.Submit", "title": "Save", "data": {"action": "save_note"}}],
    }


def menu_card() -> dict[str, Any]:
    """Buttons that talk for the person: ``imBack`` and ``messageBack``."""
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "Ready for your check-in?"}],
        "actions": [
            {
                "type": "Action.Submit",
                "title": "Yes",
                "data": {"msteams": {"type": "imBack", "value": "yes"}},
            },
            {
                "type": "Action.Submit",
                "title": "Later",
                "data": {
                    "msteams": {
                        "type": "messageBack",
                        "text": "later",
                        "displayText": "Remind me later",
                        "value": {"snooze": 60},
                    }
                },
            },
        ],
    }


@dataclass
class Seen:
    """What the bot learnt, for the tests to check."""

    references: dict[str, str] = field(default_factory=dict)  # aadObjectId -> conversation id
    notes: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[tuple[int, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)  # sent by people, as the SDK lists


class SdkBot:
    """The tiny bot, its event loop and uvicorn server in a daemon thread."""

    def __init__(self, emulator: TeamsEmulator) -> None:
        self.emulator = emulator
        self.seen = Seen()
        self.token_requests = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = int(self._sock.getsockname()[1])
        cloud = with_overrides(
            PUBLIC,
            openid_metadata_url=emulator.openid_metadata_url,
            login_endpoint=emulator.login_endpoint,
            token_service_url=emulator.base_url,
        )

        def server(fastapi: FastAPI) -> uvicorn.Server:
            config = uvicorn.Config(fastapi, host="127.0.0.1", port=self.port, log_level="warning")
            return _BoundServer(config, self._sock)

        self.app = App(
            client_id=emulator.app_id,
            token=self._token,
            cloud=cloud,
            service_url=emulator.service_url,
            http_server_adapter=FastAPIAdapter(server_factory=server),
        )
        self._routes()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="sdk-bot", daemon=True)

    @property
    def url(self) -> str:
        """The bot's base URL (the driver adds ``/api/messages``)."""
        return f"http://127.0.0.1:{self.port}"

    async def _token(self, scope: str | list[str], tenant_id: str | None = None) -> str:
        """The bot's token provider: client credentials against the emulator.

        The SDK may pass ``scope`` as a list; it asks for the bot scope here.
        """
        self.token_requests += 1
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                self.emulator.token_url(tenant_id or "botframework.com"),
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.emulator.app_id,
                    "client_secret": self.emulator.client_secret,
                    "scope": scope if isinstance(scope, str) else " ".join(scope),
                },
            )
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self.app.start(self.port))

    def start(self) -> SdkBot:
        """Serve in the background (requests queue on the listening socket meanwhile)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop uvicorn and the loop."""
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.app.stop(), self._loop).result(TIMEOUT)
            self._thread.join(TIMEOUT)
        self._loop.close()
        self._sock.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the bot's loop (e.g. a proactive ``app.send``); its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(TIMEOUT)

    def _routes(self) -> None:
        app, seen = self.app, self.seen

        @app.on_install_add
        async def welcome(ctx: Any) -> None:
            activity = ctx.activity
            seen.references[activity.from_.aad_object_id] = activity.conversation.id
            await ctx.send(f"Welcome to Palier, {activity.from_.name}!")

        @app.on_message
        async def message(ctx: Any) -> None:
            activity = ctx.activity
            if activity.value is not None:
                await ctx.send(f"Received {json.dumps(activity.value, sort_keys=True)}")
                return
            text = (activity.text or "").strip()
            sent = await ctx.files.list()
            if sent:
                for file in sent:
                    content = file.raw.content
                    url = content.get("downloadUrl") if isinstance(content, dict) else None
                    seen.files.append(
                        {"name": file.name, "uniqueId": file.unique_id, "downloadUrl": url}
                    )
                await ctx.send(f"Received {len(sent)} file(s)")
                return
            if text == "card":
                await ctx.send(_card_message(checkin_card()))
            elif text == "menu":
                await ctx.send(_card_message(menu_card()))
            elif text == "bad card":
                bad = {"type": "AdaptiveCard", "version": "1.6", "body": [{"type": "Carousel"}]}
                try:
                    await ctx.send(_card_message(bad))
                except httpx.HTTPStatusError as refused:
                    seen.refusals.append((refused.response.status_code, refused.response.json()))
                    await ctx.send("Sorry, that card was refused.")
            else:
                zone = next(
                    (e.timezone for e in activity.entities or [] if e.type == "clientInfo"), None
                )
                await ctx.send(f"You said: {text} ({zone})")

        @app.on_card_action_execute("approve")
        async def approve(ctx: Any) -> AdaptiveCardActionCardResponse:
            data = ctx.activity.value.action.data
            done = {
                "type": "AdaptiveCard",
                "version": "1.5",
                "body": [
                    {"type": "TextBlock", "text": f"Approved by {ctx.activity.from_.name}"},
                    {"type": "TextBlock", "text": f"Week {data['week']}: {data['comment']}"},
                ],
            }
            return AdaptiveCardActionCardResponse(value=AdaptiveCard.model_validate(done))

        @app.on_dialog_open("note")
        async def open_note(ctx: Any) -> TaskModuleResponse:
            info = CardTaskModuleTaskInfo(
                title="Add a note", card=Attachment(content_type=ADAPTIVE, content=note_card())
            )
            return TaskModuleResponse(task=TaskModuleContinueResponse(value=info))

        @app.on_dialog_submit("save_note")
        async def save_note(ctx: Any) -> TaskModuleResponse:
            seen.notes.append(dict(ctx.activity.value.data))
            return TaskModuleResponse(task=TaskModuleMessageResponse(value="Note saved"))

        @app.on_message_ext_open
        async def evidence_form(ctx: Any) -> MessagingExtensionActionResponse:
            quoted = ctx.activity.value.message_payload
            form = {
                "type": "AdaptiveCard",
                "version": "1.5",
                "body": [
                    {"type": "TextBlock", "text": f"Log as evidence: {quoted.body.content}"},
                    {"type": "Input.Text", "id": "why", "label": "Why", "isRequired": True},
                ],
                "actions": [{"type": "Action.Submit", "title": "Log"}],
            }
            info = CardTaskModuleTaskInfo(
                title="Log as evidence", card=Attachment(content_type=ADAPTIVE, content=form)
            )
            return MessagingExtensionActionResponse(task=TaskModuleContinueResponse(value=info))

        @app.on_message_ext_submit
        async def log_evidence(ctx: Any) -> MessagingExtensionActionResponse:
            value = ctx.activity.value
            seen.evidence.append(
                {
                    "command": value.command_id,
                    "message_id": value.message_payload.id,
                    "link": value.message_payload.link_to_message,
                    "data": dict(value.data),
                }
            )
            return MessagingExtensionActionResponse(task=TaskModuleMessageResponse(value="Logged"))


__all__ = ["MessageActivityInput", "SdkBot", "checkin_card", "menu_card", "note_card"]


def _card_message(content: dict[str, Any]) -> MessageActivityInput:
    return MessageActivityInput(attachments=[Attachment(content_type=ADAPTIVE, content=content)])


class _BoundServer(uvicorn.Server):
    """uvicorn serving a socket bound beforehand (an ephemeral port, known in advance)."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket) -> None:
        super().__init__(config)
        self._bound = sock

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        await super().serve(sockets=[self._bound])
