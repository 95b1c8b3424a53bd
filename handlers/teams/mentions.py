"""People @mentioned in a message to Palier, as the core knows them.

Teams writes an @mention as ``<at>Name</at>`` in the message's text and says who it is
in a ``mention`` entity beside it: ``mentioned: {id, name}``, the id being the person's
Teams id for this app (``29:…``), and ``text``, the tag as it is in the text
("Channel and group chat conversations with a bot", Work with mentions,
learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations).
Microsoft says to trust the entity, not the text ("the person sending the message can
alter it"): a tag no entity vouches for is only words.

Palier knows a Teams person by their Entra object id (``aadObjectId``), which a mention
seldom carries. :func:`user_id_of` asks the Connector for the member ("Get single member
details", GET ``/v3/conversations/{id}/members/{teams id}``,
…/bots/how-to/get-teams-context): in the chat the message came from (a group chat), else
in the person's own chat with Palier (the 1:1 conversation Teams gives a bot for someone
the app is installed for, POST ``/v3/conversations``). Someone found neither way goes to
the core by their Teams id, which names nobody there: the flow answers as for anyone
it may not show.
"""

from __future__ import annotations

import html
import logging
import re
import warnings
from dataclasses import dataclass
from typing import Any

import httpx

from handlers.teams.context import user_id

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.clients.conversation.params import CreateConversationParams
    from microsoft_teams.api.models.account import Account

log = logging.getLogger(__name__)

_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.DOTALL | re.IGNORECASE)
# A Bot Framework channel id ("29:…", "28:…", "8:orgid:…"), not an Entra object id.
_CHANNEL_ID = re.compile(r"^[0-9]+:")


@dataclass(frozen=True)
class Mentioned:
    """A person @mentioned: their Teams id, the name the tag shows, their Entra object id
    when Teams gave it."""

    teams_id: str
    name: str
    aad_object_id: str | None = None


Word = str | Mentioned


def _bare(tag: str) -> str:
    """A mention's tag as the name it shows (``<at id="0">@Ann &amp; Bo</at>`` → ``Ann & Bo``)."""
    inner = _TAG.sub(lambda match: match.group(1), tag)
    return html.unescape(inner).strip().lstrip("@").strip()


def _mention_entities(activity: Any) -> list[Any]:
    return [
        e
        for e in getattr(activity, "entities", None) or []
        if getattr(e, "type", None) == "mention"
    ]


def _vouched(tag: str, entities: list[Any]) -> Any | None:
    """The entity that says who the tag ``tag`` of the text is, if any."""
    for entity in entities:
        if getattr(entity, "text", None) == tag:
            return entity
    shown = _bare(tag)
    for entity in entities:
        mentioned = entity.mentioned
        if (entity.text and _bare(entity.text) == shown) or (mentioned.name or "") == shown:
            return entity
    return None


def words(activity: Any) -> list[Word]:
    """The message's words, each @mention of someone one word (who it is); Palier's own
    mention (in a group chat, how one speaks to it) left out."""
    text = getattr(activity, "text", None) or ""
    entities = _mention_entities(activity)
    palier = getattr(getattr(activity, "recipient", None), "id", None)
    found: list[Word] = []
    position = 0
    for match in _TAG.finditer(text):
        found.extend(text[position : match.start()].split())
        position = match.end()
        entity = _vouched(match.group(0), entities)
        if entity is None:
            found.extend(_bare(match.group(0)).split())  # nobody vouches: only words
        elif entity.mentioned.id != palier:
            mentioned = entity.mentioned
            found.append(
                Mentioned(
                    str(mentioned.id),
                    mentioned.name or _bare(match.group(0)),
                    getattr(mentioned, "aad_object_id", None),
                )
            )
    found.extend(text[position:].split())
    return found


def command_text(activity: Any) -> str:
    """The message as a command's words: Palier's own mention left out, another person's
    as their name."""
    return " ".join(word if isinstance(word, str) else f"@{word.name}" for word in words(activity))


async def _member_aad(ctx: Any, conversation_id: str, teams_id: str) -> str | None:
    try:
        member = await ctx.api.conversations.get_member_by_id(conversation_id, teams_id)
    except httpx.HTTPError:
        return None
    return getattr(member, "aad_object_id", None) or None


async def _own_chat(ctx: Any, teams_id: str) -> str | None:
    """The person's 1:1 chat with Palier (Teams answers with the existing one)."""
    activity = ctx.activity
    tenant = getattr(activity.conversation, "tenant_id", None) or getattr(
        getattr(activity.channel_data, "tenant", None), "id", None
    )
    params = CreateConversationParams(
        members=[Account(id=teams_id)],
        tenant_id=tenant,
        channel_data={"tenant": {"id": tenant}},
    )
    try:
        created = await ctx.api.conversations.create(params)
    except httpx.HTTPError:
        return None
    return str(created.id) if getattr(created, "id", None) else None


async def user_id_of(ctx: Any, person: Mentioned) -> str:
    """The mentioned person's Palier user id (their Entra object id) as best Teams tells."""
    activity = ctx.activity
    if person.aad_object_id:
        return person.aad_object_id
    if person.teams_id == getattr(activity.from_, "id", None):
        return user_id(activity)
    if not _CHANNEL_ID.match(person.teams_id):
        return person.teams_id  # Teams named them by their Entra object id already
    found = await _member_aad(ctx, str(activity.conversation.id), person.teams_id)
    if found is None:
        chat = await _own_chat(ctx, person.teams_id)
        found = await _member_aad(ctx, chat, person.teams_id) if chat else None
    if found is None:
        log.info("a mentioned person's Entra id is unknown to Teams here: %s", person.teams_id)
    return found or person.teams_id
