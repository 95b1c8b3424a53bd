"""A local Teams' state: tenants, people, where the app is installed, chats and messages.

:class:`Store` holds the records of :mod:`.model` and hands out the ids Teams would:
people's ids for the bot (``29:…``), personal chat ids (``a:…``), group chat ids
(``19:…@thread.v2``), team ids (``19:…@thread.tacv2``, the General channel's too), message ids (milliseconds since the epoch, as Teams' 1:1 message
ids are) and Teams' own event ids (``f:…``). It is not thread-safe on its own: the
emulator calls it under its lock and copies what it returns to tests.

A personal chat exists once the app is installed for the person ("installationUpdate"
event, learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events)
and keeps its id across uninstalls and reinstalls, as Teams' 1:1 chat with a bot does.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from emulators.teams.model import (
    Bot,
    Conversation,
    Installation,
    JsonDict,
    Message,
    Team,
    Tenant,
    User,
)


def iso_utc(at: float) -> str:
    """``2026-01-01T08:00:00.000Z``: a timestamp as Teams writes ``timestamp``."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Store:
    """Tenants, people, installations, chats and messages of one bot's Teams."""

    def __init__(self, bot: Bot, clock: Callable[[], float]) -> None:
        self.bot = bot
        self.clock = clock
        self.tenants: dict[str, Tenant] = {}
        self.users: dict[str, User] = {}  # by Teams id (29:…)
        self.installations: dict[str, Installation] = {}  # by user id
        self.conversations: dict[str, Conversation] = {}
        self.teams: dict[str, Team] = {}
        self.messages: list[Message] = []
        self._personal: dict[str, str] = {}  # user id -> personal chat id
        self._last_message_id = 0
        self._seq = itertools.count(1)

    # -- ids ------------------------------------------------------------------------------

    def new_message_id(self) -> str:
        """A fresh message id: epoch milliseconds, strictly increasing."""
        self._last_message_id = max(self._last_message_id + 1, int(self.clock() * 1000))
        return str(self._last_message_id)

    @staticmethod
    def new_event_id() -> str:
        """An id for an activity Teams itself raises (events, invokes): ``f:…``."""
        return f"f:{uuid.uuid4()}"

    # -- tenants and people ---------------------------------------------------------------

    def add_tenant(self, tenant_id: str, name: str) -> Tenant:
        """A new organisation."""
        if tenant_id in self.tenants:
            raise ValueError(f"tenant {tenant_id} already exists")
        tenant = Tenant(tenant_id, name)
        self.tenants[tenant_id] = tenant
        return tenant

    def add_user(
        self,
        name: str,
        email: str,
        *,
        tenant_id: str,
        aad_object_id: str | None = None,
        user_principal_name: str | None = None,
        timezone: str = "Europe/Paris",
        locale: str = "fr-FR",
        given_name: str | None = None,
        surname: str | None = None,
        preferred_language: str | None = "",
        mailbox_timezone: str | None = "",
        account_enabled: bool = True,
    ) -> User:
        """A person of ``tenant_id`` (their ids made up unless given).

        For Microsoft Graph: ``preferred_language`` is ``locale`` and ``mailbox_timezone``
        is ``timezone`` unless given (None: not set, and no mailbox, respectively).
        """
        if tenant_id not in self.tenants:
            raise ValueError(f"unknown tenant {tenant_id}")
        aad = aad_object_id or str(uuid.uuid4())
        if any(u.aad_object_id == aad for u in self.users.values()):
            raise ValueError(f"a user with aadObjectId {aad} already exists")
        first, _, last = name.partition(" ")
        user = User(
            id=f"29:1{secrets.token_urlsafe(54)}",
            aad_object_id=aad,
            tenant_id=tenant_id,
            name=name,
            email=email,
            user_principal_name=user_principal_name or email,
            given_name=given_name if given_name is not None else first or None,
            surname=surname if surname is not None else last or None,
            timezone=timezone,
            locale=locale,
            preferred_language=locale if preferred_language == "" else preferred_language,
            mailbox_timezone=timezone if mailbox_timezone == "" else mailbox_timezone,
            account_enabled=account_enabled,
        )
        self.users[user.id] = user
        return user

    def find_user(self, key: str) -> User | None:
        """A person by Teams id, Entra object id, UPN or email (case-insensitive for the last)."""
        if key in self.users:
            return self.users[key]
        folded = key.casefold()
        for user in self.users.values():
            if key == user.aad_object_id or folded in (
                user.user_principal_name.casefold(),
                user.email.casefold(),
            ):
                return user
        return None

    def user(self, key: str) -> User:
        """Like :meth:`find_user`, but KeyError when nobody matches."""
        found = self.find_user(key)
        if found is None:
            raise KeyError(f"no user {key!r}")
        return found

    # -- the app in people's personal scope ----------------------------------------------------

    def install(self, user: User) -> Conversation:
        """Install the app for ``user`` (personal scope): their chat with the bot exists."""
        installation = self.installations.setdefault(user.id, Installation(user.id))
        installation.installed = True
        installation.blocked = False
        return self.personal_conversation(user)

    def uninstall(self, user: User) -> None:
        """Remove the app from ``user``'s personal scope (the chat stays, read-only for the bot)."""
        installation = self.installations.setdefault(user.id, Installation(user.id))
        installation.installed = False

    def block(self, user: User, blocked: bool = True) -> None:
        """``user`` blocks (or unblocks) the bot in their chat."""
        self.installations.setdefault(
            user.id, Installation(user.id, installed=False)
        ).blocked = blocked

    def is_installed(self, user: User) -> bool:
        """True when the app is in ``user``'s personal scope."""
        installation = self.installations.get(user.id)
        return installation is not None and installation.installed

    def is_blocked(self, user: User) -> bool:
        """True when ``user`` blocked the bot."""
        installation = self.installations.get(user.id)
        return installation is not None and installation.blocked

    # -- chats ------------------------------------------------------------------------------------

    def personal_conversation(self, user: User) -> Conversation:
        """``user``'s 1:1 chat with the bot (created the first time)."""
        conversation_id = self._personal.get(user.id)
        if conversation_id is None:
            conversation_id = f"a:1{secrets.token_urlsafe(72)}"
            self._personal[user.id] = conversation_id
            self.conversations[conversation_id] = Conversation(
                id=conversation_id,
                tenant_id=user.tenant_id,
                conversation_type="personal",
                members=[user.id],
                created=self.clock(),
            )
        return self.conversations[conversation_id]

    def personal_conversation_id(self, user: User) -> str | None:
        """The id of ``user``'s chat with the bot, if it exists."""
        return self._personal.get(user.id)

    def personal_user(self, conversation: Conversation) -> User | None:
        """The person of a personal chat."""
        if conversation.conversation_type != "personal" or not conversation.members:
            return None
        return self.users.get(conversation.members[0])

    def add_group_chat(self, members: list[User], *, bot_member: bool = False) -> Conversation:
        """A group chat of ``members`` (the bot in it only if ``bot_member``)."""
        if not members:
            raise ValueError("a group chat needs members")
        conversation = Conversation(
            id=f"19:{uuid.uuid4().hex}@thread.v2",
            tenant_id=members[0].tenant_id,
            conversation_type="groupChat",
            members=[m.id for m in members],
            bot_member=bot_member,
            created=self.clock(),
        )
        self.conversations[conversation.id] = conversation
        return conversation

    def add_team(self, name: str, members: list[User], *, bot_member: bool = False) -> Team:
        """A team of ``members`` and its General channel (the app added to it only if
        ``bot_member``)."""
        if not members:
            raise ValueError("a team needs members")
        team = Team(
            id=f"19:{uuid.uuid4().hex}@thread.tacv2",
            name=name,
            aad_group_id=str(uuid.uuid4()),
            tenant_id=members[0].tenant_id,
            members=[m.id for m in members],
            bot_member=bot_member,
        )
        self.teams[team.id] = team
        self.conversations[team.id] = Conversation(
            id=team.id,
            tenant_id=team.tenant_id,
            conversation_type="channel",
            members=list(team.members),
            bot_member=bot_member,
            created=self.clock(),
            team=team.channel_data(),
            name="General",
        )
        return team

    def add_app_to(self, conversation: Conversation) -> None:
        """The app is added to a group chat or a team (the team of a channel)."""
        conversation.bot_member = True
        team = self.teams.get(conversation.team["id"]) if conversation.team else None
        if team is not None:
            team.bot_member = True
            for channel in self.conversations.values():
                if channel.team is not None and channel.team["id"] == team.id:
                    channel.bot_member = True

    def in_team_with_bot(self, user: User) -> bool:
        """Whether ``user`` is a member of a team the app is added to (a bot may then
        open a 1:1 chat with them: "Proactive messages", "install the app for the user
        or make the user a part of a team in which the app is installed")."""
        return any(team.bot_member and user.id in team.members for team in self.teams.values())

    @staticmethod
    def thread_of(conversation_id: str) -> tuple[str, str | None]:
        """``19:…@thread.tacv2;messageid=123`` → the channel's id and the thread's root."""
        base, marker, thread = conversation_id.partition(";messageid=")
        return base, (thread or None) if marker else None

    def find_conversation(self, conversation_id: str) -> Conversation | None:
        """A conversation by id; a channel's also by one of its threads' ids (only a
        channel has threads)."""
        found = self.conversations.get(conversation_id)
        if found is not None:
            return found
        base, thread = self.thread_of(conversation_id)
        channel = self.conversations.get(base)
        if thread is None or channel is None or channel.conversation_type != "channel":
            return None
        return channel

    # -- messages ---------------------------------------------------------------------------------

    def add_message(
        self,
        conversation: Conversation,
        sender: str,
        activity: JsonDict,
        *,
        reply_to_id: str | None = None,
        source: str = "connector",
    ) -> Message:
        """Store a message in ``conversation``; its id and timestamp are set on ``activity``."""
        now = self.clock()
        stored = copy.deepcopy(activity)
        stored["id"] = self.new_message_id()
        stored["timestamp"] = iso_utc(now)
        stored["conversation"] = conversation.reference()
        if reply_to_id is not None:
            stored["replyToId"] = reply_to_id
        message = Message(
            id=stored["id"],
            conversation_id=conversation.id,
            sender=sender,
            activity=stored,
            created=now,
            reply_to_id=reply_to_id,
            source=source,
        )
        self.messages.append(message)
        return message

    def find_message(self, conversation_id: str, message_id: str) -> Message | None:
        """A message (deleted ones included) by chat and id."""
        for message in self.messages:
            if message.conversation_id == conversation_id and message.id == message_id:
                return message
        return None

    def visible(self, conversation_id: str) -> list[Message]:
        """The messages a person sees in a chat, oldest first (not deleted, not typing)."""
        return [
            m
            for m in self.messages
            if m.conversation_id == conversation_id and not m.deleted and m.type == "message"
        ]
