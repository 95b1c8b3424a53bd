"""Files in Teams: offered in the person's own chat, sent once they accept.

Slack hands a file over at once; Teams asks first, in a personal chat only (file consent,
:mod:`handlers.teams.consent`). So a file the core delivers — a team's export, one's own
data, a large team's table and map (:class:`~bot.app.outcome.DeliverFile`) — is offered
as a consent card in the chat the request came from, with nothing of its content. Then:

- **accept**: the consent is claimed (Teams may deliver the yes twice: the second finds
  the claim and does nothing); the core builds the file again for the person who accepted
  (:class:`bot.app.files.FileFlow` — the access policy decides again, so a yes from
  anyone else gets nothing of the asker's data); its bytes go into the upload session
  Teams opened (:mod:`handlers.teams.upload`); the file is shown as a file card and the
  consent card removed, so it cannot be accepted twice. An upload that fails gives the
  claim back, leaves the card to be accepted again and says nothing was delivered;
- **decline**: the consent card becomes a short notice; nothing is uploaded.

Every answer to Teams is 200 (it shows nothing of its own for a file consent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import httpx

from bot.app.outcome import DeliverFile, Effect, FileKind
from bot.i18n.rich import Rich
from bot.views import files as words
from bot.views.notice import notice_card
from handlers.teams.consent import (
    claim_key,
    consent_message,
    content_bytes,
    file_message,
    requested,
    requested_grant,
    requested_part,
    requested_subject,
)
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.effects import card_message
from handlers.teams.upload import UploadFailed, upload

log = logging.getLogger(__name__)


def _personal(activity: Any) -> bool:
    return getattr(activity.conversation, "conversation_type", None) == "personal"


async def offer(deps: TeamsDeps, ctx: Any, effects: Iterable[Effect]) -> None:
    """Each file of ``effects`` offered in the chat of ``ctx``'s activity (a personal
    chat: Teams has file consent nowhere else), if the core can build it again."""
    for effect in effects:
        if not isinstance(effect, DeliverFile):
            continue
        if effect.kind is None or not _personal(ctx.activity):
            log.warning("%s not offered: no kind, or not a personal chat", effect.filename)
            continue
        await ctx.send(consent_message(effect, effect.kind))


async def handle_consent(deps: TeamsDeps, ctx: Any) -> None:
    """The person's answer to a consent card (``fileConsent/invoke``)."""
    activity = ctx.activity
    value = activity.value
    kind = requested(value.context)
    info = value.upload_info
    if not _personal(activity):
        log.warning("a file consent outside a personal chat: ignored")
    elif value.action == "accept" and kind is not None and info is not None and info.upload_url:
        part = requested_part(value.context)
        grant, subject = requested_grant(value.context), requested_subject(value.context)
        await _accepted(deps, ctx, kind, part, grant, subject)
    else:  # declined, or a consent naming no file Palier builds
        told = await asyncio.to_thread(
            deps.flows.summary.help, actor_ref(activity), ActivityDirectory(activity)
        )
        said = words.declined(told.t) if value.action != "accept" else words.unknown(told.t)
        await _say(deps, ctx, said, in_place=True)


async def _accepted(
    deps: TeamsDeps,
    ctx: Any,
    kind: FileKind,
    part: int,
    grant: str | None = None,
    subject: str | None = None,
) -> None:
    """Claimed, built for the person who accepted, uploaded, shown; the claim given back
    when nothing was delivered, so that accepting again tries again."""
    activity = ctx.activity
    card_id = activity.reply_to_id or activity.value.upload_info.unique_id or activity.id
    key = claim_key(str(activity.conversation.id), str(card_id))
    if not await asyncio.to_thread(deps.flows.files.claim, key):
        return  # delivered already (or being delivered): Teams said yes twice
    delivered = False
    try:
        delivered = await _deliver(deps, ctx, kind, part, grant, subject)
    finally:
        if not delivered:
            await asyncio.to_thread(deps.flows.files.release, key)


async def _deliver(
    deps: TeamsDeps,
    ctx: Any,
    kind: FileKind,
    part: int = 0,
    grant: str | None = None,
    subject: str | None = None,
) -> bool:
    """The file built again for the actor and put in their OneDrive, or why not; False
    when it could not be uploaded (the person is told)."""
    activity = ctx.activity
    info = activity.value.upload_info
    outcome = await asyncio.to_thread(
        deps.flows.files.build,
        actor_ref(activity),
        kind,
        ActivityDirectory(activity),
        part,
        grant,
        subject,
    )
    t = outcome.t
    built = [effect for effect in outcome.effects if isinstance(effect, DeliverFile)]
    if outcome.refusal is not None or not built:
        chart = kind in (FileKind.PROGRESS_CHART, FileKind.REPORT_CHART)
        await _say(deps, ctx, words.refusal(outcome.refusal, t, chart=chart), in_place=True)
        return True  # answered: the same card would be refused again
    file = built[0]
    try:
        await upload(str(info.upload_url), content_bytes(file.content))
    except UploadFailed as failure:
        log.warning("%s not uploaded: %s", file.filename, failure)
        await _say(deps, ctx, words.not_delivered(file.filename, t), in_place=False)
        return False
    await ctx.send(file_message(info, file.comment))
    await _remove_card(ctx)
    return True


async def _say(deps: TeamsDeps, ctx: Any, text: Rich, *, in_place: bool) -> None:
    """``text`` in place of the consent card answered (when it is there), else below it."""
    card = notice_card(text)
    card_id = ctx.activity.reply_to_id
    if in_place and card_id:
        try:
            await ctx.send(card_message(card, deps.renderer).with_id(card_id))
            return
        except httpx.HTTPStatusError:  # not a card of this chat (any more): say it below
            pass
    await ctx.send(card_message(card, deps.renderer))


async def _remove_card(ctx: Any) -> None:
    """The consent card answered, gone: accepted once, it cannot be accepted again (its
    claim stays, should it remain on a screen)."""
    activity = ctx.activity
    if not activity.reply_to_id:
        return
    try:
        await ctx.api.conversations.delete_activity(
            activity.conversation.id, activity.reply_to_id, service_url=activity.service_url
        )
    except httpx.HTTPError as error:
        log.warning("consent card %s not removed: %s", activity.reply_to_id, error)
