"""A référentiel's export sent to Palier in the personal chat: the review, then Add / Cancel.

Teams lets a person send a bot a file in their personal chat when the app's manifest says
``supportsFiles`` (:mod:`handlers.teams.manifest`). The message then carries an attachment
of ``contentType`` ``application/vnd.microsoft.teams.file.download.info``: the file's
``name``, and ``content`` ``{downloadUrl, uniqueId, fileType}`` ("Send and receive files
using bot", learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4). The
``downloadUrl`` is short-lived and pre-authorized: a plain ``GET`` with no bearer token
(the Teams SDK strips its own), its redirects to the storage host followed but never from
``https`` down to plain ``http`` (as the SDK's ``IncomingFile`` does). At most one byte
past :data:`~bot.domain.referentiel_upload.MAX_UPLOAD_BYTES` is read; the flow refuses the
file then.

The same flow as Slack's (:class:`~bot.app.referentiel_upload.ReferentielUploadFlow`):
whether to fetch at all (an admin), the review kept as a pending upload and answered as a
card with Add / Cancel (``Action.Execute``), a click replacing the card with what was
done. What the admin typed with the file is the id they want. The message's id and the
file's ``uniqueId`` name the upload, so a redelivered activity is reviewed once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.app.outcome import Outcome
from bot.domain.referentiel_upload import MAX_UPLOAD_BYTES, UploadSeen, UploadView
from bot.views import actions
from bot.views import referentiel_upload as upload_view
from bot.views.cards import Card
from handlers.teams.admin import words_of
from handlers.teams.context import TeamsDeps, actor_ref, people
from handlers.teams.mentions import command_text
from handlers.teams.replies import new_card, reply, toast
from handlers.teams.wording import teams_t

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
TIMEOUT = 20.0  # seconds per request; the largest file accepted is 2 MB
MAX_REDIRECTS = 5
PENDING_ID = re.compile(r"[0-9a-f]{32}")


class _DownloadInfo(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    download_url: str = Field(alias="downloadUrl", min_length=1)
    unique_id: str = Field("", alias="uniqueId")
    file_type: str = Field("", alias="fileType")


class SentFile(BaseModel):
    """One file the person sent, as its ``file.download.info`` attachment describes it."""

    name: str
    download_url: str
    unique_id: str


def sent_files(activity: Any) -> list[SentFile]:
    """The files the message carries (anything else attached is not a file sent)."""
    found: list[SentFile] = []
    for attachment in getattr(activity, "attachments", None) or []:
        if getattr(attachment, "content_type", None) != FILE_DOWNLOAD_INFO:
            continue
        content = attachment.content
        if isinstance(content, BaseModel):
            content = content.model_dump(by_alias=True)
        try:
            info = _DownloadInfo.model_validate(content)
        except ValidationError:
            log.warning("a file.download.info attachment without its downloadUrl")
            continue
        name = str(getattr(attachment, "name", None) or f"file.{info.file_type}")
        found.append(SentFile(name=name, download_url=info.download_url, unique_id=info.unique_id))
    return found


class DownloadFailed(Exception):
    """The file's bytes could not be fetched."""


def _allowed(url: httpx.URL, plain_http: bool) -> bool:
    return url.scheme == "https" or (plain_http and url.scheme == "http")


async def download(url: str, *, plain_http: bool = False) -> bytes:
    """The bytes at a pre-authorized ``downloadUrl``: no ``Authorization``, redirects
    followed while they stay on ``https`` (``plain_http``: the emulator's, on 127.0.0.1),
    at most ``MAX_UPLOAD_BYTES + 1`` bytes read."""
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise DownloadFailed(str(error)) from error
    async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if not _allowed(target, plain_http):
                raise DownloadFailed(f"refused to fetch over {target.scheme}")
            try:
                async with client.stream("GET", target) as answer:
                    if answer.is_redirect and answer.next_request is not None:
                        following = answer.next_request.url
                        if target.scheme == "https" and following.scheme != "https":
                            raise DownloadFailed("a redirect from https to plain http")
                        target = following
                        continue
                    if answer.status_code != 200:
                        raise DownloadFailed(f"HTTP {answer.status_code}")
                    data = bytearray()
                    async for chunk in answer.aiter_bytes():
                        data.extend(chunk)
                        if len(data) > MAX_UPLOAD_BYTES:
                            break
                    return bytes(data[: MAX_UPLOAD_BYTES + 1])
            except httpx.HTTPError as error:
                raise DownloadFailed(str(error) or type(error).__name__) from error
    raise DownloadFailed("too many redirects")


def _answer(outcome: Outcome[UploadView]) -> Card:
    return upload_view.card(outcome.view, outcome.refusal, teams_t(outcome))


async def handle_files(deps: TeamsDeps, ctx: Any) -> None:
    """Each file the person sent, read and reviewed (or refused), a card for each."""
    activity = ctx.activity
    typed = " ".join(words_of(command_text(activity))) or None  # markup and links read as text
    for sent in sent_files(activity):
        await _one_file(deps, ctx, sent, typed)


async def _one_file(deps: TeamsDeps, ctx: Any, sent: SentFile, typed: str | None) -> None:
    activity = ctx.activity
    flow, ref, directory = (
        deps.flows.referentiel_upload,
        actor_ref(activity),
        people(deps, activity),
    )
    key = f"teams:{activity.id}:{sent.unique_id}"[:255]
    admitted = await asyncio.to_thread(flow.admit, ref, sent.name, 0, directory, key)
    if isinstance(admitted.view, UploadSeen):
        return  # Teams delivered the message again: it was answered already
    if admitted.view is not None or admitted.refusal is not None:
        await reply(deps, ctx, _answer(admitted))  # nothing was fetched
        return
    try:
        data = await download(sent.download_url, plain_http=deps.plain_http_downloads)
    except DownloadFailed as error:
        log.warning("a file sent to Palier could not be downloaded: %s", error)
        await reply(deps, ctx, upload_view.download_failed(sent.name, teams_t(admitted)))
        return
    outcome = await asyncio.to_thread(flow.preview, ref, sent.name, data, typed, directory, key)
    if not isinstance(outcome.view, UploadSeen):
        await reply(deps, ctx, _answer(outcome))


async def _click(deps: TeamsDeps, ctx: Any, data: dict[str, Any], add: bool) -> Any:
    """Add or Cancel: the review replaced by what was done; a refusal as a notice, the
    card left as it is."""
    pending_id = str(data.get("value") or "")
    if not PENDING_ID.fullmatch(pending_id):
        return toast("")
    activity = ctx.activity
    flow, ref, directory = (
        deps.flows.referentiel_upload,
        actor_ref(activity),
        people(deps, activity),
    )
    act = flow.confirm if add else flow.cancel
    outcome = await asyncio.to_thread(act, ref, pending_id, directory)
    card = _answer(outcome)
    if outcome.refusal is not None:
        return toast(card.fallback.plain())
    return new_card(deps, card)


async def handle_add(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    return await _click(deps, ctx, data, add=True)


async def handle_cancel(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    return await _click(deps, ctx, data, add=False)


CARD_ACTIONS = {actions.REFERENTIEL_ADD: handle_add, actions.REFERENTIEL_CANCEL: handle_cancel}
