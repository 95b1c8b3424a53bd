"""The activities Teams sends a bot, in their published shapes.

Every activity carries what "Send and receive messages"
(learn.microsoft.com/microsoftteams/platform/bots/build-conversational-capability) shows
for Teams: ``channelId: "msteams"``, ``serviceUrl``, ``timestamp`` (UTC) and
``localTimestamp`` (the person's offset), ``localTimezone`` (IANA), ``from`` (``29:…``
with ``aadObjectId`` and ``name``), ``recipient`` (``28:<app id>``), ``conversation``
(``id``, ``conversationType``, ``tenantId``), ``channelData.tenant.id``, ``locale`` and a
``clientInfo`` entity (``locale``, ``country``, ``platform``, ``timezone``).

The event and invoke payloads follow:

- ``installationUpdate`` (``action: add|remove``; without the person's time zone, as
  Microsoft's example shows it) and ``conversationUpdate``
  (``membersAdded``/``membersRemoved`` with the bot; in a team, ``channelData.eventType``
  ``teamMemberAdded``) of "Conversation events in your Teams bot"
  (…/bots/how-to/conversations/subscribe-to-conversation-events), in a personal chat, a
  group chat or a team's channel;
- in a team's channel, ``channelData`` with ``team`` (``id``, ``name``, ``aadGroupId``),
  ``channel`` (``id``, ``name``), ``teamsTeamId`` and ``teamsChannelId``, and a message's
  ``conversation.id`` naming its thread (``19:…@thread.tacv2;messageid=<root>``) ("Get
  Teams context for your bot", …/bots/how-to/get-teams-context; the JSON of "Channel and
  group chat conversations with a bot");
- ``invoke`` ``adaptiveCard/action`` with ``value: {action: {type: "Action.Execute",
  id, verb, data}, trigger: "manual"}`` and ``replyToId`` the card's message ("Universal
  Actions for Adaptive Cards", …/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards),
  ``trigger: "automatic"`` when the client refreshes a card with ``refresh`` on its own
  ("User Specific Views", same folder);
- ``task/fetch`` / ``task/submit`` with ``value: {type, data, context: {theme}}``
  ("Use dialogs with bots", …/task-modules-and-cards/task-modules/task-modules-bots);
- ``composeExtension/fetchTask`` / ``submitAction`` with ``commandId``,
  ``commandContext: "message"``, ``messagePayload`` and ``data`` ("Define message
  extension action commands", …/messaging-extensions/how-to/action-commands/define-action-command);
- an ``Action.Submit`` in a chat card: a ``message`` with ``value`` and no text;
- an @mention in a message: ``<at>Name</at>`` in its ``text`` and a ``mention`` entity
  ``{type: "mention", mentioned: {id: "29:…", name}, text: "<at>Name</at>"}`` ("Channel and
  group chat conversations with a bot", Work with mentions, …/bots/how-to/conversations/channel-and-group-conversations);
  the bot's own (``mentioned: {id: "28:…", name}``) in a channel or a group chat, where a
  bot receives only the messages that @mention it (same page).
"""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from emulators.teams.model import Bot, Conversation, JsonDict, Message, User
from emulators.teams.store import Store, iso_utc

CHANNEL_ID = "msteams"
THEME_CONTEXT = {"theme": "default"}


def local_iso(at: float, timezone: str) -> str:
    """``2026-01-01T09:00:00.000+01:00``: ``localTimestamp`` in the person's time zone."""
    try:
        zone = ZoneInfo(timezone)
    except ZoneInfoNotFoundError:
        zone = ZoneInfo("UTC")
    return datetime.fromtimestamp(at, zone).isoformat(timespec="milliseconds")


def mention_text(user: User) -> str:
    """How an @mention of ``user`` reads in a message's text: ``<at>Name</at>``."""
    return f"<at>{user.name}</at>"


class ActivityFactory:
    """Builds what Teams sends ``bot`` about ``user``, at the emulator's time."""

    def __init__(self, bot: Bot, service_url: str, platform: str = "Web") -> None:
        self.bot = bot
        self.service_url = service_url
        self.platform = platform

    def base(
        self,
        kind: str,
        user: User,
        conversation: Conversation,
        at: float,
        *,
        activity_id: str | None = None,
        thread: str | None = None,
    ) -> JsonDict:
        """The fields every activity Teams sends carries (``thread``: in a channel, the
        root message of the thread it belongs to)."""
        return {
            "type": kind,
            "id": activity_id or Store.new_event_id(),
            "timestamp": iso_utc(at),
            "localTimestamp": local_iso(at, user.timezone),
            "localTimezone": user.timezone,
            "serviceUrl": self.service_url,
            "channelId": CHANNEL_ID,
            "from": user.account(),
            "conversation": conversation.reference(thread),
            "recipient": self.bot.account(),
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": user.locale,
                    "country": user.country,
                    "platform": self.platform,
                    "timezone": user.timezone,
                }
            ],
            "channelData": conversation.channel_data(),
            "locale": user.locale,
        }

    def message(
        self,
        user: User,
        conversation: Conversation,
        at: float,
        text: str,
        activity_id: str,
        mentioned: Sequence[User] = (),
        *,
        bot_mentioned: bool = False,
        thread: str | None = None,
    ) -> JsonDict:
        """A text message the person wrote (``activity_id`` is the stored message's id),
        ``mentioned`` people @mentioned in it (each :func:`mention_text` in ``text``), and
        the bot too when ``bot_mentioned`` (its :meth:`bot_mention_text` in ``text``: how
        one speaks to a bot in a channel or a group chat); ``thread``: in a channel, the
        thread's root (the message itself when it starts one)."""
        activity = self.base(
            "message", user, conversation, at, activity_id=activity_id, thread=thread
        )
        activity.update(textFormat="plain", text=text)
        entities: list[JsonDict] = []
        if bot_mentioned:
            entities.append(
                {
                    "type": "mention",
                    "mentioned": self.bot.account(),
                    "text": self.bot_mention_text(),
                }
            )
        entities.extend(
            {
                "type": "mention",
                "mentioned": {"id": person.id, "name": person.name},
                "text": mention_text(person),
            }
            for person in mentioned
        )
        if entities:
            activity["entities"] = entities + activity["entities"]
        return activity

    def bot_mention_text(self) -> str:
        """How an @mention of the bot reads in a message's text: ``<at>Palier</at>``."""
        return f"<at>{self.bot.name}</at>"

    def submit(
        self, user: User, conversation: Conversation, at: float, value: Any, reply_to_id: str
    ) -> JsonDict:
        """An ``Action.Submit`` clicked in a chat card: a message with ``value``, no text."""
        activity = self.base("message", user, conversation, at)
        activity.update(value=copy.deepcopy(value), replyToId=reply_to_id)
        return activity

    def invoke(
        self,
        user: User,
        conversation: Conversation,
        at: float,
        name: str,
        value: JsonDict,
        reply_to_id: str | None = None,
    ) -> JsonDict:
        """An ``invoke`` named ``name`` (the bot answers in the HTTP response)."""
        activity = self.base("invoke", user, conversation, at)
        activity.update(name=name, value=copy.deepcopy(value))
        if reply_to_id is not None:
            activity["replyToId"] = reply_to_id
        return activity

    def installation_update(
        self, user: User, conversation: Conversation, at: float, action: str
    ) -> JsonDict:
        """``installationUpdate`` with ``action`` ``add`` or ``remove``.

        As in the published example ("Conversation events in your Teams bot", Install
        update event, JSON tab), it carries no time zone: no ``localTimezone`` nor
        ``localTimestamp``, and a ``clientInfo`` of ``locale`` and ``platform`` only. A
        bot learns the person's zone from what they send later.
        """
        activity = self.base("installationUpdate", user, conversation, at)
        activity["action"] = action
        del activity["localTimezone"], activity["localTimestamp"]
        activity["entities"] = [
            {"type": "clientInfo", "locale": user.locale, "platform": self.platform}
        ]
        return activity

    def members_changed(
        self, user: User, conversation: Conversation, at: float, *, added: bool
    ) -> JsonDict:
        """``conversationUpdate`` with the bot in ``membersAdded`` (or ``membersRemoved``);
        in a team, ``channelData.eventType`` ``teamMemberAdded`` (``teamMemberRemoved``)."""
        activity = self.base("conversationUpdate", user, conversation, at)
        activity["membersAdded" if added else "membersRemoved"] = [{"id": self.bot.id}]
        if conversation.team is not None:
            event = "teamMemberAdded" if added else "teamMemberRemoved"
            activity["channelData"]["eventType"] = event
        return activity

    # -- invoke values ---------------------------------------------------------------------------

    @staticmethod
    def execute_value(action: JsonDict, data: JsonDict, trigger: str = "manual") -> JsonDict:
        """``adaptiveCard/action``'s value for an ``Action.Execute`` (``trigger``:
        ``manual``, a click; ``automatic``, a card's ``refresh`` run by the client)."""
        executed: JsonDict = {"type": "Action.Execute", "data": data}
        if action.get("id") is not None:
            executed["id"] = action["id"]
        if action.get("verb") is not None:
            executed["verb"] = action["verb"]
        return {"action": executed, "trigger": trigger}

    @staticmethod
    def task_value(kind: str, data: Any) -> JsonDict:
        """``task/fetch`` or ``task/submit``'s value."""
        return {"type": kind, "data": copy.deepcopy(data), "context": dict(THEME_CONTEXT)}

    @staticmethod
    def message_action_value(
        command_id: str, payload: JsonDict, data: JsonDict | None = None
    ) -> JsonDict:
        """``composeExtension/fetchTask`` (no ``data``) or ``submitAction``'s value."""
        value: JsonDict = {
            "commandId": command_id,
            "commandContext": "message",
            "context": dict(THEME_CONTEXT),
            "messagePayload": copy.deepcopy(payload),
        }
        if data is not None:
            value["data"] = copy.deepcopy(data)
        return value

    def message_payload(self, message: Message, sender: User | None) -> JsonDict:
        """A message as a message extension receives it (``messagePayload``, Graph's shape)."""
        attachments = [
            {
                "id": str(index),
                "contentType": attachment.get("contentType"),
                "content": json.dumps(attachment.get("content")),
                "name": None,
                "thumbnailUrl": None,
            }
            for index, attachment in enumerate(message.attachments)
        ]
        content = f"<p>{html.escape(message.text)}</p>" if message.text else ""
        content += "".join(f'<attachment id="{a["id"]}"></attachment>' for a in attachments)
        if message.from_bot:
            author: JsonDict = {
                "user": None,
                "application": {
                    "applicationIdentityType": "bot",
                    "id": self.bot.app_id,
                    "displayName": self.bot.name,
                },
            }
        else:
            author = {
                "user": {
                    "id": sender.aad_object_id if sender else None,
                    "displayName": sender.name if sender else None,
                    "userIdentityType": "aadUser",
                },
                "application": None,
            }
        context = quote(json.dumps({"contextType": "chat"}, separators=(",", ":")))
        return {
            "id": message.id,
            "replyToId": message.reply_to_id,
            "createdDateTime": iso_utc(message.created),
            "lastModifiedDateTime": iso_utc(message.updated) if message.updated else None,
            "deleted": message.deleted,
            "subject": None,
            "summary": None,
            "importance": "normal",
            "locale": "en-us",
            "linkToMessage": (
                f"https://teams.microsoft.com/l/message/{message.conversation_id}/"
                f"{message.id}?context={context}"
            ),
            "from": {**author, "device": None, "conversation": None},
            "body": {"contentType": "html", "content": content},
            "attachments": attachments,
            "mentions": [],
            "reactions": [],
        }
