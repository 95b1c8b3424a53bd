"""The Bot Framework Connector REST API v3 as Teams answers it, over a :class:`~.store.Store`.

One method per operation the bot can call (``POST /v3/conversations``, send, reply,
update and delete an activity, the member lookups). Each returns ``(status, body)`` or
raises :class:`ConnectorError`, which carries Teams' published refusal: the status and
``{"error": {"code", "message"}}`` of "Status codes from bot conversational APIs"
(learn.microsoft.com/microsoftteams/platform/bots/build-conversational-capability):

====  ==============================  ===============================================
400   ``BadArgument``                 invalid payload (see :mod:`.cards`, :mod:`.files`)
403   ``ForbiddenOperationException`` "Bot isn't installed in user's personal scope" (nor in a team of theirs)
403   ``BotNotInConversationRoster``  the app was uninstalled / the bot is not in the chat
403   ``ConversationBlockedByUser``   the person blocked the bot
404   ``ConversationNotFound``        unknown conversation id
404   ``ActivityNotFoundInConversation``  unknown (or deleted) message id
413   ``MessageSizeTooBig``           over the size limit
====  ==============================  ===============================================

Not published, and taken from what Microsoft's samples handle: ``404
MemberNotFoundInConversation`` for a member lookup that finds nobody (the Teams samples'
``getSingleMember``), and ``400 MemberNotFoundInConversation`` when ``POST
/v3/conversations`` names someone who is not in the tenant. The methods run under the
emulator's lock.
"""

from __future__ import annotations

import copy
from typing import Any

from emulators.teams import cards, files
from emulators.teams.drive import Drive
from emulators.teams.model import Conversation, JsonDict, Message, User
from emulators.teams.store import Store

ROSTER_MESSAGE = "The bot isn't part of the conversation roster."
NOT_INSTALLED_MESSAGE = "Bot isn't installed in user's personal scope"
DEFAULT_PAGE_SIZE = 200


class ConnectorError(Exception):
    """A refusal: HTTP status, Bot Framework error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> JsonDict:
        """``{"error": {"code": ..., "message": ...}}``."""
        return {"error": {"code": self.code, "message": self.message}}


def bad_argument(message: str) -> ConnectorError:
    """``400 BadArgument``."""
    return ConnectorError(400, "BadArgument", message)


class Connector:
    """The operations of the Connector for one bot, on ``store``."""

    def __init__(
        self,
        store: Store,
        *,
        drive: Drive | None = None,
        max_message_bytes: int = cards.MAX_MESSAGE_BYTES,
    ) -> None:
        self.store = store
        self.drive = drive or Drive(store.clock)
        self.max_message_bytes = max_message_bytes

    # -- conversations ---------------------------------------------------------------------

    def create_conversation(self, body: Any, service_url: str) -> tuple[int, JsonDict]:
        """``POST /v3/conversations``: the 1:1 chat with one person of the tenant."""
        if not isinstance(body, dict):
            raise bad_argument("The request body must be a ConversationParameters object.")
        if body.get("isGroup"):
            raise bad_argument("Bots cannot create group conversations in Teams.")
        channel_data = body.get("channelData")
        tenant_id = body.get("tenantId")
        if isinstance(channel_data, dict) and isinstance(channel_data.get("tenant"), dict):
            tenant_id = channel_data["tenant"].get("id") or tenant_id
        if not isinstance(tenant_id, str) or tenant_id not in self.store.tenants:
            raise bad_argument("A valid tenant id is required (channelData.tenant.id or tenantId).")
        members = body.get("members")
        if not isinstance(members, list) or len(members) != 1 or not isinstance(members[0], dict):
            raise bad_argument("A 1:1 conversation needs exactly one member.")
        member_id = members[0].get("id")
        user = self.store.find_user(member_id) if isinstance(member_id, str) else None
        if user is None or user.tenant_id != tenant_id:
            raise ConnectorError(
                400, "MemberNotFoundInConversation", f"Member {member_id!r} not found in tenant."
            )
        if self.store.is_blocked(user):
            raise ConnectorError(
                403, "ConversationBlockedByUser", "User blocked the conversation with the bot."
            )
        if not self._may_write_to(user):
            raise ConnectorError(403, "ForbiddenOperationException", NOT_INSTALLED_MESSAGE)
        conversation = self.store.personal_conversation(user)
        answer: JsonDict = {"id": conversation.id}
        activity = body.get("activity")
        if activity is not None:
            message = self._accept(conversation, activity)
            if message is not None:
                answer["activityId"] = message.id
        answer["serviceUrl"] = service_url
        return 201, answer

    def _may_write_to(self, user: User) -> bool:
        """A bot writes to someone whose personal scope has the app, or who is in a team
        the app is added to ("Proactive messages": "install the app for the user or make
        the user a part of a team in which the app is installed")."""
        return self.store.is_installed(user) or self.store.in_team_with_bot(user)

    def conversation(self, conversation_id: str) -> Conversation:
        """The chat (a channel's, for one of its threads: ``…;messageid=…``), or ``404
        ConversationNotFound``."""
        found = self.store.find_conversation(conversation_id)
        if found is None:
            raise ConnectorError(404, "ConversationNotFound", "Conversation not found.")
        return found

    def check_bot_may_post(self, conversation: Conversation) -> None:
        """403 unless the bot is in the chat and not blocked there."""
        user = self.store.personal_user(conversation)
        if user is not None:
            if self.store.is_blocked(user):
                raise ConnectorError(
                    403, "ConversationBlockedByUser", "User blocked the conversation with the bot."
                )
            if not self._may_write_to(user):
                raise ConnectorError(403, "BotNotInConversationRoster", ROSTER_MESSAGE)
        elif not conversation.bot_member:
            raise ConnectorError(403, "BotNotInConversationRoster", ROSTER_MESSAGE)

    # -- activities ------------------------------------------------------------------------------

    def send(
        self, conversation_id: str, body: Any, reply_to_id: str | None = None
    ) -> tuple[int, JsonDict]:
        """``POST .../activities`` (and ``.../activities/{id}``, a reply): ``201 {id}``;
        in a channel's thread (``…;messageid=<root>``), a reply to its root."""
        conversation = self.conversation(conversation_id)
        self.check_bot_may_post(conversation)
        if conversation.id != conversation_id:  # a channel's thread: a reply to its root
            reply_to_id = reply_to_id or self.store.thread_of(conversation_id)[1]
        if reply_to_id is None and isinstance(body, dict):
            given = body.get("replyToId")
            reply_to_id = given if isinstance(given, str) else None
        message = self._accept(conversation, body, reply_to_id=reply_to_id)
        return 201, ({"id": message.id} if message is not None else {})

    def update(self, conversation_id: str, activity_id: str, body: Any) -> tuple[int, JsonDict]:
        """``PUT .../activities/{id}``: the message becomes ``body`` (``200 {id}``)."""
        conversation = self.conversation(conversation_id)
        self.check_bot_may_post(conversation)
        message = self._own_message(conversation, activity_id)
        self._check(body, conversation)
        if not isinstance(body, dict) or body.get("type") != "message":
            raise bad_argument("Only a message activity can replace a message.")
        message.replace(self._stored(conversation, message, body), self.store.clock(), "connector")
        return 200, {"id": message.id}

    def delete(self, conversation_id: str, activity_id: str) -> tuple[int, None]:
        """``DELETE .../activities/{id}``: the message is gone (``200``, no body)."""
        conversation = self.conversation(conversation_id)
        self.check_bot_may_post(conversation)
        message = self._own_message(conversation, activity_id)
        message.deleted = True
        message.updated = self.store.clock()
        return 200, None

    def _own_message(self, conversation: Conversation, activity_id: str) -> Message:
        message = self.store.find_message(conversation.id, activity_id)
        if message is None or message.deleted:
            raise ConnectorError(404, "ActivityNotFoundInConversation", "Conversation not found.")
        if not message.from_bot:
            raise ConnectorError(
                403, "NotEnoughPermissions", "A bot can only change the messages it sent."
            )
        return message

    def _check(self, body: Any, conversation: Conversation) -> None:
        violations = cards.validate_activity(body)
        if not violations:
            owner = self.store.personal_user(conversation)
            violations = files.check_files(body, conversation, owner, self.drive)
        if violations:
            raise bad_argument("; ".join(str(v) for v in violations))
        size = cards.message_size(body)
        if size > self.max_message_bytes:
            raise ConnectorError(
                413,
                "MessageSizeTooBig",
                f"Message size too large. ({size} bytes of UTF-16, limit {self.max_message_bytes})",
            )

    def _accept(
        self, conversation: Conversation, body: Any, *, reply_to_id: str | None = None
    ) -> Message | None:
        """Validate and store what the bot sent; None for a typing indicator (not kept)."""
        self._check(body, conversation)
        assert isinstance(body, dict)
        if body.get("type") != "message":
            return None
        stored = {k: copy.deepcopy(v) for k, v in body.items() if k not in ("id", "conversation")}
        stored["from"] = self.store.bot.account()
        return self.store.add_message(
            conversation, self.store.bot.id, stored, reply_to_id=reply_to_id
        )

    def _stored(self, conversation: Conversation, message: Message, body: JsonDict) -> JsonDict:
        stored = {k: copy.deepcopy(v) for k, v in body.items() if k not in ("conversation",)}
        stored.update(
            id=message.id,
            timestamp=message.activity.get("timestamp"),
            conversation=conversation.reference(),
            **{"from": self.store.bot.account()},
        )
        if message.reply_to_id is not None:
            stored["replyToId"] = message.reply_to_id
        return stored

    # -- members ------------------------------------------------------------------------------------

    def _members(self, conversation: Conversation) -> list[User]:
        return [self.store.users[m] for m in conversation.members if m in self.store.users]

    def members(self, conversation_id: str) -> tuple[int, list[JsonDict]]:
        """``GET .../members``: the people of the chat (the bot is not listed)."""
        conversation = self.conversation(conversation_id)
        self.check_bot_may_post(conversation)
        return 200, [u.to_member() for u in self._members(conversation)]

    def paged_members(self, conversation_id: str, query: dict[str, str]) -> tuple[int, JsonDict]:
        """``GET .../pagedmembers?pageSize=&continuationToken=``."""
        conversation = self.conversation(conversation_id)
        self.check_bot_may_post(conversation)
        try:
            size = int(query.get("pageSize") or DEFAULT_PAGE_SIZE)
            start = int(query.get("continuationToken") or 0)
        except ValueError as exc:
            raise bad_argument("Invalid pageSize or continuationToken.") from exc
        people = self._members(conversation)
        page = people[start : start + max(size, 1)]
        answer: JsonDict = {"members": [u.to_member() for u in page]}
        if start + len(page) < len(people):
            answer["continuationToken"] = str(start + len(page))
        return 200, answer

    def member(self, conversation_id: str, member_id: str) -> tuple[int, JsonDict]:
        """``GET .../members/{id}`` by Teams id, Entra object id or UPN."""
        conversation = self.conversation(conversation_id)
        self.check_bot_may_post(conversation)
        user = self.store.find_user(member_id)
        if user is None or user.id not in conversation.members:
            raise ConnectorError(
                404, "MemberNotFoundInConversation", "The member could not be found."
            )
        return 200, user.to_member()

    def activity_members(
        self, conversation_id: str, activity_id: str
    ) -> tuple[int, list[JsonDict]]:
        """``GET .../activities/{id}/members``: the chat's people, for a message in it."""
        conversation = self.conversation(conversation_id)
        self.check_bot_may_post(conversation)
        message = self.store.find_message(conversation.id, activity_id)
        if message is None or message.deleted:
            raise ConnectorError(404, "ActivityNotFoundInConversation", "Conversation not found.")
        return 200, [u.to_member() for u in self._members(conversation)]
