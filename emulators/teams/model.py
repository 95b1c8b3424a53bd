"""The records a local Teams keeps: tenants, people, the bot, conversations, messages, calls.

Plain dataclasses. The emulator hands out deep copies, so a test reading them never
races the server thread. Shapes that go on the wire (``to_member``, ``account``) follow
the Bot Framework's ``TeamsChannelAccount`` as Teams fills it ("Get Teams specific
context for your bot", learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

from emulators.teams.cards import ADAPTIVE_CARD

JsonDict = dict[str, Any]


@dataclass
class Tenant:
    """A Microsoft 365 organisation (an Entra ID tenant)."""

    id: str
    name: str


@dataclass
class User:
    """A person in a tenant, as the Connector's member APIs describe them.

    ``id`` is their Teams id for this bot (``29:…``, the same for every conversation
    with the bot); ``aad_object_id`` their Entra ID object id.
    """

    id: str
    aad_object_id: str
    tenant_id: str
    name: str
    email: str
    user_principal_name: str
    given_name: str | None = None
    surname: str | None = None
    timezone: str = "Europe/Paris"
    locale: str = "fr-FR"
    user_role: str = "user"
    # What Microsoft Graph says of them (the user resource and their mailbox settings):
    # ``preferredLanguage`` (None: not set), ``mailboxSettings.timeZone`` as the mailbox
    # holds it — a Windows zone name ("Romance Standard Time") or an IANA one — ``None``
    # when they have no Exchange Online mailbox, and ``accountEnabled``.
    preferred_language: str | None = None
    mailbox_timezone: str | None = None
    account_enabled: bool = True

    @property
    def country(self) -> str:
        """The country part of the locale (``fr-FR`` → ``FR``)."""
        return self.locale.rsplit("-", 1)[-1].upper() if "-" in self.locale else ""

    def account(self) -> JsonDict:
        """The ``from`` of what the person sends: ``{id, name, aadObjectId}``."""
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}

    def to_member(self) -> JsonDict:
        """``GET /v3/conversations/{id}/members[/{memberId}]``: a ``TeamsChannelAccount``."""
        return {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": self.given_name,
            "surname": self.surname,
            "email": self.email,
            "userPrincipalName": self.user_principal_name,
            "tenantId": self.tenant_id,
            "userRole": self.user_role,
        }


@dataclass
class Bot:
    """The bot: its app registration and how Teams shows it."""

    app_id: str
    client_secret: str
    tenant_id: str
    name: str = "Palier"

    @property
    def id(self) -> str:
        """The bot's id in conversations: ``28:<app id>``."""
        return f"28:{self.app_id}"

    def account(self) -> JsonDict:
        """``{id, name}`` as the ``recipient`` of what people send the bot."""
        return {"id": self.id, "name": self.name}


@dataclass
class Installation:
    """The app in a person's personal scope, and how they treat it."""

    user_id: str
    installed: bool = True
    blocked: bool = False


@dataclass
class Team:
    """A team: its id (``19:…@thread.tacv2``, which is also its General channel's), its
    name, its Microsoft 365 group, its members; ``bot_member`` once the app is added to it."""

    id: str
    name: str
    aad_group_id: str
    tenant_id: str
    members: list[str] = field(default_factory=list)  # users' ids (29:…)
    bot_member: bool = False

    def channel_data(self) -> JsonDict:
        """``channelData.team`` of the team's activities."""
        return {"id": self.id, "name": self.name, "aadGroupId": self.aad_group_id}


@dataclass
class Conversation:
    """A chat: the personal (1:1) chat of a person with the bot, a group chat, or a
    team's channel (``team``: its ``channelData.team``; ``name``: the channel's)."""

    id: str
    tenant_id: str
    conversation_type: str  # personal | groupChat | channel
    members: list[str] = field(default_factory=list)  # users' ids (29:…)
    bot_member: bool = True
    created: float = 0.0
    team: JsonDict | None = None
    name: str | None = None

    def reference(self, thread: str | None = None) -> JsonDict:
        """The ``conversation`` object of activities in this chat (``thread``: the root
        message of a channel's thread, which Teams writes in the id: ``;messageid=``)."""
        data: JsonDict = {
            "conversationType": self.conversation_type,
            "tenantId": self.tenant_id,
            "id": self.id if thread is None else f"{self.id};messageid={thread}",
        }
        if self.conversation_type != "personal":
            data["isGroup"] = True
        return data

    def channel_data(self) -> JsonDict:
        """``channelData`` of activities here: the tenant, and for a channel its team and
        itself ("Get Teams context for your bot": ``team``, ``channel``, ``teamsTeamId``,
        ``teamsChannelId``)."""
        data: JsonDict = {"tenant": {"id": self.tenant_id}}
        if self.team is not None:
            data.update(
                team=dict(self.team),
                channel={"id": self.id, "name": self.name},
                teamsTeamId=self.team["id"],
                teamsChannelId=self.id,
            )
        return data


@dataclass
class Message:
    """A message in a chat as it stands now; ``versions`` keeps earlier states.

    ``sender`` is the bot's id (``28:…``) or a person's (``29:…``); ``activity`` the
    activity as stored (what the bot sent, with the id, timestamp and ``from`` Teams adds).
    """

    id: str
    conversation_id: str
    sender: str
    activity: JsonDict
    created: float
    reply_to_id: str | None = None
    updated: float | None = None
    deleted: bool = False
    source: str = "connector"  # connector | user | card_refresh
    versions: list[JsonDict] = field(default_factory=list)
    edited: float | None = None  # when the bot last edited it (PUT), not a card's answer
    edits: int = 0  # how many times the bot edited it

    @property
    def from_bot(self) -> bool:
        """True when the bot sent it."""
        return self.sender.startswith("28:")

    @property
    def type(self) -> str:
        """``message`` or ``typing``."""
        return str(self.activity.get("type", "message"))

    @property
    def text(self) -> str:
        """The message's text ("" if none)."""
        text = self.activity.get("text")
        return text if isinstance(text, str) else ""

    @property
    def attachments(self) -> list[JsonDict]:
        """The message's attachments."""
        found = self.activity.get("attachments")
        return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []

    @property
    def cards(self) -> list[JsonDict]:
        """The Adaptive Cards the message carries (their ``content``)."""
        return [
            a["content"]
            for a in self.attachments
            if a.get("contentType") == ADAPTIVE_CARD and isinstance(a.get("content"), dict)
        ]

    @property
    def card(self) -> JsonDict | None:
        """The first Adaptive Card, if any."""
        cards = self.cards
        return cards[0] if cards else None

    def replace(self, activity: JsonDict, at: float, source: str) -> None:
        """Become ``activity`` (an update), keeping the current state in ``versions``."""
        self.versions.append(copy.deepcopy(self.activity))
        self.activity = activity
        self.updated = at
        self.source = source
        if source == "connector":
            self.edited = at
            self.edits += 1


@dataclass
class CallRecord:
    """One request the bot made (Connector or token endpoint), what it got, and when.

    ``started``/``finished`` are ``time.monotonic()`` (real waits, e.g. a client honouring
    ``Retry-After``); ``clock`` is the emulator's clock when the call was carried out.
    """

    operation: str
    method: str
    path: str
    body: Any
    status: int
    response: Any
    started: float
    finished: float
    clock: float
    conversation_id: str | None = None
    activity_id: str | None = None
    app_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def error_code(self) -> str | None:
        """The Bot Framework error code of a refusal (``BadArgument``…), if any."""
        response = self.response
        if isinstance(response, dict) and isinstance(response.get("error"), dict):
            code = response["error"].get("code")
            return str(code) if code is not None else None
        if isinstance(response, dict) and isinstance(response.get("error"), str):
            return str(response["error"])
        return None


@dataclass
class InboundRecord:
    """One activity Teams sent the bot, and the bot's answer (status, body, how long)."""

    kind: str  # the activity's type, or invoke name
    activity: JsonDict
    status: int
    body: Any
    elapsed: float
    deadline: float | None
    clock: float

    @property
    def late(self) -> bool:
        """Answered after Teams had given up waiting (or not at all)."""
        return self.status == 0 or (self.deadline is not None and self.elapsed > self.deadline)


@dataclass
class Fault:
    """An injected failure for the next ``times`` calls of ``operation`` ("*" for any)."""

    operation: str
    status: int | None = None
    retry_after: int | None = None
    code: str | None = None
    message: str | None = None
    delay: float | None = None
    reset: bool = False
    lose_answer: bool = False  # carried out, then the connection dropped: the answer lost
    times: int = 1
    hits: int = 0
    hold: threading.Event | None = None
    held: threading.Event = field(default_factory=threading.Event)
