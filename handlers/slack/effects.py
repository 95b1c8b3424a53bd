"""Carrying out a flow's effects in Slack: update messages, DM a person, deliver a
file, publish a Home again.

A flow answers neutral effects (:mod:`bot.app.outcome`) naming opaque message
references; in Slack a reference is ``channel:ts`` (:func:`message_ref`,
:func:`parse_ref`). Each effect's view is shown as its card (:mod:`bot.presenters`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.app.outcome import DeliverFile, Effect, RefreshHome, SendDirect, UpdateMessages
from bot.i18n import Translator
from bot.presenters import card_of
from handlers.slack.render import card_blocks, card_text

log = logging.getLogger(__name__)

Rendered = tuple[str, list[Block]]  # the notification text, the blocks
HomePublisher = Callable[[WebClient, str], object]


def message_ref(channel: str | None, ts: str | None) -> str | None:
    """A Slack message as the core stores it (None when either part is missing)."""
    return f"{channel}:{ts}" if channel and ts else None


def parse_ref(ref: str) -> tuple[str, str]:
    """``channel:ts`` → (channel, ts)."""
    channel, _, ts = ref.partition(":")
    return channel, ts


def render(view: object, t: Translator) -> Rendered:
    """A view an effect or a delivery carries, as a message: its card
    (:func:`bot.presenters.card_of`) in Block Kit."""
    card = card_of(view, t)
    return card_text(card), card_blocks(card)


def _dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def carry_out(
    client: WebClient,
    effects: Iterable[Effect],
    t: Translator,
    publish_home: HomePublisher | None = None,
) -> None:
    """Each effect in order, every one tried whatever happened to the one before. What
    only changes how earlier messages look (a prompt turned to "done") and the Home are
    logged when they cannot be done — what they show is stored already, and at a peak
    Slack refuses ``chat.update`` beyond 50 a minute per workspace; a message or a file
    for the person that fails raises once the others were tried, as the Web API call
    did."""
    failure: Exception | None = None
    for effect in _files_together(effects):
        try:
            _carry_out_one(client, effect, t, publish_home)
        except Exception as error:
            if isinstance(effect, UpdateMessages):
                log.warning("could not update earlier messages: %s", error)
            elif failure is None:
                failure = error
    if failure is not None:
        raise failure


def _carry_out_one(
    client: WebClient,
    effect: Effect | tuple[DeliverFile, ...],
    t: Translator,
    publish_home: HomePublisher | None,
) -> None:
    if isinstance(effect, tuple):
        _upload(client, effect)
    elif isinstance(effect, UpdateMessages):
        text, blocks = render(effect.view, t)
        for ref in effect.refs:
            channel, ts = parse_ref(ref)
            client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    elif isinstance(effect, SendDirect):
        text, blocks = render(effect.view, t)
        channel = parse_ref(effect.near)[0] if effect.near else _dm(client, effect.user_id)
        client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    elif isinstance(effect, RefreshHome):
        if publish_home is not None:
            publish_home(client, effect.user_id)
    else:
        raise TypeError(f"unknown effect {type(effect).__name__}")


def _files_together(effects: Iterable[Effect]) -> Iterator[Effect | tuple[DeliverFile, ...]]:
    """``effects`` in order, consecutive files for one person as one tuple."""

    def key(effect: Effect) -> str | None:
        return effect.user_id if isinstance(effect, DeliverFile) else None

    for user_id, run in groupby(effects, key):
        if user_id is None:
            yield from run
        else:
            yield tuple(effect for effect in run if isinstance(effect, DeliverFile))


def _upload(client: WebClient, files: tuple[DeliverFile, ...]) -> None:
    """Files to one person's DM as one message (``files.uploadV2``)."""
    comment = next((file.comment for file in files if file.comment), None)
    client.files_upload_v2(
        channel=_dm(client, files[0].user_id),
        initial_comment=comment,
        file_uploads=[
            {"content": file.content, "filename": file.filename, "title": file.title}
            | ({"alt_txt": file.alt} if file.alt is not None else {})
            for file in files
        ],
    )
