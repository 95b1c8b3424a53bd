"""A référentiel's export uploaded to Palier's DM: the review report, then Add / Cancel.

Slack delivers the upload as a ``message`` of subtype ``file_share`` in the DM
(``message.im``): it carries what the admin typed with the file (the id they want) and
the file's id. Nothing else of a DM is read, and a file shared anywhere else is
ignored (Palier reads no channel). The event is acknowledged at once; then, on the
workers: the upload flow says whether to fetch the file at all (an admin, a size
within bounds: :meth:`~bot.app.referentiel_upload.ReferentielUploadFlow.admit`),
``files.info`` gives the size Slack states and the download URL, the bytes come from
``url_private_download`` with the workspace's bot token (``files:read``), and the
flow's review is posted in the DM with its buttons. A click on Add or Cancel replaces
the review with what was done.
"""

from __future__ import annotations

import logging
import re
import urllib.error
import urllib.request
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.app.outcome import Outcome
from bot.domain.referentiel_upload import MAX_UPLOAD_BYTES, UploadSeen, UploadView
from bot.views import referentiel_upload as upload_view
from bot.views.cards import Card
from handlers.slack import ids
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t
from handlers.slack.payloads import EventCallback, MessageEvent, SharedFile
from handlers.slack.render import card_blocks, card_text
from handlers.slack.workers import Later

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 20.0  # seconds; the largest file accepted is 2 MB
PENDING_ID = re.compile(r"[0-9a-f]{32}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is Slack sending a client without the right token to its sign-in
    page: an answer of its own, not the file (HTTPError)."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class DownloadFailed(Exception):
    """The file's bytes could not be fetched."""


def download(url: str, token: str) -> bytes:
    """A file's bytes from its private URL, with the bot token; at most one byte past
    :data:`MAX_UPLOAD_BYTES` is read (the flow refuses the file then)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with _OPENER.open(request, timeout=DOWNLOAD_TIMEOUT) as answer:
            if answer.status != 200 or "text/html" in answer.headers.get("Content-Type", ""):
                raise DownloadFailed(f"HTTP {answer.status}")
            data: bytes = answer.read(MAX_UPLOAD_BYTES + 1)
            return data
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DownloadFailed(str(error)) from error


def _post(client: WebClient, channel: str, card: Card) -> None:
    client.chat_postMessage(channel=channel, text=card_text(card), blocks=card_blocks(card))


def _answer(outcome: Outcome[UploadView]) -> Card:
    return upload_view.card(outcome.view, outcome.refusal, slack_t(outcome))


def handle_file_share(
    deps: SlackDeps, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    """Each file the person uploaded to the DM, read and reviewed (or refused)."""
    message = MessageEvent.model_validate(event)  # parsed at the edge already
    if message.subtype != "file_share" or message.channel_type != "im" or message.bot_id:
        return
    assert message.user is not None and message.channel is not None
    envelope = EventCallback.model_validate(body)
    actor = Actor(team_id=envelope.team_id, user_id=message.user)
    for shared in message.files:
        _one_file(deps, actor, message, shared, client)


def _one_file(
    deps: SlackDeps, actor: Actor, message: MessageEvent, shared: SharedFile, client: WebClient
) -> None:
    flow, directory = deps.flows.referentiel_upload, SlackDirectory(client)
    channel = message.channel or ""
    try:
        info = client.files_info(file=shared.id)["file"]
        name, size = str(info.get("name") or shared.name), int(info.get("size") or 0)
        url = str(info.get("url_private_download") or info.get("url_private") or "")
    except (SlackApiError, SlackClientError, KeyError, TypeError, ValueError) as error:
        log.warning("files.info failed for an upload: %s", error)
        outcome = flow.admit(actor.ref, shared.name, 0, directory)
        if outcome.view is None and outcome.refusal is None:
            _post(client, channel, upload_view.download_failed(shared.name, slack_t(outcome)))
        else:
            _post(client, channel, _answer(outcome))
        return
    admitted = flow.admit(actor.ref, name, size, directory, source_key=shared.id)
    if isinstance(admitted.view, UploadSeen):
        return  # Slack delivered the upload again: it was answered already
    if admitted.view is not None or admitted.refusal is not None:
        _post(client, channel, _answer(admitted))  # nothing was fetched
        return
    try:
        data = download(url, client.token or "")
    except DownloadFailed as error:
        log.warning("an upload could not be downloaded: %s", error)
        _post(client, channel, upload_view.download_failed(name, slack_t(admitted)))
        return
    outcome = flow.preview(actor.ref, name, data, message.text, directory, source_key=shared.id)
    if not isinstance(outcome.view, UploadSeen):
        _post(client, channel, _answer(outcome))


def handle_click(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond, add: bool
) -> None:
    """Add or Cancel: the review replaced by what was done; a refusal to the clicker only."""
    actor = Actor.from_body(body)
    pending_id = str(((body.get("actions") or [{}])[0]).get("value") or "")
    if not PENDING_ID.fullmatch(pending_id):
        return
    flow, directory = deps.flows.referentiel_upload, SlackDirectory(client)
    outcome = (flow.confirm if add else flow.cancel)(actor.ref, pending_id, directory)
    card = _answer(outcome)
    if outcome.refusal is not None:
        respond(
            text=card_text(card),
            blocks=card_blocks(card),
            response_type="ephemeral",
            replace_original=False,
        )
        return
    respond(text=card_text(card), blocks=card_blocks(card), replace_original=True)


def register(app: App, deps: SlackDeps) -> None:
    @app.event("message")
    def message(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, later: Later
    ) -> None:
        if event.get("subtype") == "file_share" and event.get("channel_type") == "im":
            later(lambda: handle_file_share(deps, body, event, client))  # acknowledged first

    @app.action(ids.REFERENTIEL_ADD)
    def add(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        later(lambda: handle_click(deps, body, client, respond, add=True))

    @app.action(ids.REFERENTIEL_CANCEL)
    def cancel(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        later(lambda: handle_click(deps, body, client, respond, add=False))
