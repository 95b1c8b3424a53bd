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

Or the admin gives the file's link: a Slack file's permalink
(``https://<team>.slack.com/files/<user>/<FILE_ID>/<name>``, what "Copy link" gives)
written in the DM is read for its file id, and that file goes the same way, through
``files.info`` (so only a file the bot may see, of its own workspace). Palier never
fetches a link: any other one written in the DM gets an admin a reply saying to upload
the file instead. A workbook (``.xlsx``) is bytes like any other: nothing here reads
its content type but Slack's sign-in page (HTML).
"""

from __future__ import annotations

import logging
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import unquote

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

MAX_LINKS = 5  # files read from one message
DOWNLOAD_TIMEOUT = 20.0  # seconds; the largest file accepted is 2 MB
PENDING_ID = re.compile(r"[0-9a-f]{32}")
# A Slack file's permalink as Slack writes a link in a message's text (``<url>`` or
# ``<url|label>``), or bare: the workspace's host, then files/<user>/<file id>/<name>.
PERMALINK = re.compile(
    r"<?https://[A-Za-z0-9-]+(?:\.enterprise)?\.slack\.com/files/[UW][A-Z0-9]+/"
    r"(?P<file>F[A-Z0-9]+)(?:/(?P<name>[^\s|>/]*))?/?(?:\|[^>]*)?>?"
)
LINK = re.compile(r"<?(?:https?|ftp)://[^\s>]+>?", re.IGNORECASE)


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
        _one_file(deps, actor, message.channel, shared, message.text, shared.id, client)


def handle_link(
    deps: SlackDeps, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    """A link written in the DM: a Slack file's permalink read as its upload would be;
    any other link, for an admin, the advice to upload the file (nothing is fetched)."""
    message = MessageEvent.model_validate(event)
    if message.subtype is not None or message.channel_type != "im" or message.bot_id:
        return
    if message.user is None or message.channel is None:
        return
    envelope = EventCallback.model_validate(body)
    actor = Actor(team_id=envelope.team_id, user_id=message.user)
    found = list(PERMALINK.finditer(message.text))
    if not found:
        outcome = deps.flows.referentiel_upload.admit(actor.ref, "", 0, SlackDirectory(client))
        if outcome.view is None and outcome.refusal is None:  # an admin: say how
            _post(client, message.channel, upload_view.link_not_read(slack_t(outcome)))
        return
    typed = LINK.sub(" ", PERMALINK.sub(" ", message.text)).strip() or None
    for match in found[:MAX_LINKS]:
        name = unquote(match.group("name") or "") or match.group("file")
        shared = SharedFile(id=match.group("file"), name=name[:1_000])
        key = f"{shared.id}@{message.ts or ''}"  # a link given again is read again
        _one_file(deps, actor, message.channel, shared, typed, key, client)


def _one_file(
    deps: SlackDeps,
    actor: Actor,
    channel: str,
    shared: SharedFile,
    typed: str | None,
    source_key: str,
    client: WebClient,
) -> None:
    flow, directory = deps.flows.referentiel_upload, SlackDirectory(client)
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
    admitted = flow.admit(actor.ref, name, size, directory, source_key=source_key)
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
    outcome = flow.preview(actor.ref, name, data, typed, directory, source_key=source_key)
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
        if event.get("channel_type") != "im":
            return
        if event.get("subtype") == "file_share":
            later(lambda: handle_file_share(deps, body, event, client))  # acknowledged first
        elif event.get("subtype") is None and LINK.search(str(event.get("text") or "")):
            later(lambda: handle_link(deps, body, event, client))

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
