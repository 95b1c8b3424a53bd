"""Palier in a conversation others read (a team's channel, a group chat): what it does
there, and what it learns from being added to one.

Palier is personal: ratings, evidence and team summaries are personal HR data, and
nothing of them goes where more than the person (and Palier) can read it. Its manifest
puts the bot in the ``personal`` scope only; Teams may still bring it activities from
elsewhere (an app added to a team or a chat by an admin or with another manifest, a
card forwarded, a message action run on a channel's message), and each kind is decided
here, from the activity's ``conversation.conversationType`` (``personal``, ``groupChat``,
``channel``: "Conversation basics", learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-basics):

- **A message** in a channel or a group chat reaches Palier only when someone @mentions
  it ("Channel and group chat conversations with a bot", …/bots/how-to/conversations/channel-and-group-conversations).
  Palier answers there with :func:`bot.views.shared.private_card` — it works in private,
  and a link to the person's own chat with Palier — and runs no command: no flow is
  called, nothing is read of anyone, whoever asked and whatever they asked (``me``, a
  ``1on1 @person``, ``team`` …). The 1:1 brief by @mention is asked in one's own chat
  with Palier, where mentions are read (:mod:`handlers.teams.mentions`).
- **A card's button or a dialog** from such a conversation (Palier posts no card of
  anyone's there; a forwarded or older card can still be clicked) gets the same words
  as a short notice; nothing runs.
- **A message action** ("Log as evidence", composeExtension) run on a message of a
  channel or a group chat is what it is for, and is handled as anywhere: message
  extensions are not bound to the bot's scope, the dialog is the person's own (Teams
  shows it to them alone), what it saves is their own evidence, its confirmation goes to
  their chat with Palier (``SendDirect`` to their stored conversation), and nothing is
  posted in the conversation.
- **The app added to a team or a group chat** (``installationUpdate`` add in that
  conversation; Teams also sends ``conversationUpdate`` with the bot in ``membersAdded``,
  ``teamMemberAdded``, which Palier leaves alone so as to speak once): Palier posts its
  introduction there once — what it is, that it works in private, the link — as Teams
  asks of a bot added to a team ("Send a message on installation", same page). It
  **learns nothing**: it keeps neither the conversation (a person's conversation is
  only the chat Teams gives Palier when the app is installed for them personally, and a
  check-in must never go to a channel) nor the team's roster; it enrols nobody and writes
  to nobody. It could not anyway: a bot writes first to someone only in that personal
  chat (``POST /v3/conversations`` is refused otherwise, "Bot isn't installed in user's
  personal scope"), which is what the admin status's "cannot get messages yet" counts
  (:mod:`bot.views.admin`); who is followed is the admin's decision (``admin enrol``, the
  CSV import), and a team's membership says nothing of who reports to whom. Someone who
  meets Palier in a team opens their own chat from the link; members added later, the
  app removed, a channel renamed: nothing to say, nothing kept.

The link is Teams' deep link to a chat with a bot, ``https://teams.microsoft.com/l/chat/0/0
?tenantId=<tenant>&users=28:<bot id>`` ("Deep link to Teams chat", …/concepts/build-and-test/deep-link-teams;
the ``28:<botId>`` user of "Copilot handoff", …/bots/how-to/conversations/bot-copilot-handoff),
built from the activity's own ``recipient`` (the bot, ``28:<app id>``). Teams' other link,
``/l/entity/<app id>/conversations`` ("Deep link to an application"), needs the app's id in
the catalog it was published to, which Palier does not know.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bot.i18n import Translator, to_locale
from bot.views.shared import introduction_card, private_card, private_text
from handlers.teams.context import TeamsDeps, client_info, tenant_id
from handlers.teams.replies import reply, said, toast
from handlers.teams.wording import teams_translator

PERSONAL = "personal"
CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0"
_BOT_PREFIX = "28:"  # a bot's id in Teams conversations


def shared(activity: Any) -> bool:
    """Whether the activity comes from a conversation others read (a channel, a group
    chat, a meeting's chat), not from someone's personal chat with Palier."""
    conversation = getattr(activity, "conversation", None)
    kind = getattr(conversation, "conversation_type", None)
    if kind:
        return str(kind) != PERSONAL
    return bool(getattr(conversation, "is_group", False))


def chat_link(activity: Any) -> str | None:
    """Teams' link to the person's own chat with Palier (None: the bot's id is unknown)."""
    bot = str(getattr(getattr(activity, "recipient", None), "id", "") or "")
    if not bot.startswith(_BOT_PREFIX):
        return None
    query = {"users": bot}
    tenant = tenant_id(activity)
    if tenant:
        query = {"tenantId": tenant, **query}
    return f"{CHAT_LINK}?{urlencode(query, safe=':')}"


def _t(deps: TeamsDeps, activity: Any) -> Translator:
    """The words in the language of the one who asked, as their Teams client says (no
    lookup: nothing of anyone is read here)."""
    locale, _ = client_info(activity)
    return teams_translator(to_locale(locale, deps.default_locale))


async def answer_message(deps: TeamsDeps, ctx: Any) -> None:
    """A message (an @mention of Palier) in a shared conversation: Palier works in private."""
    activity = ctx.activity
    await reply(deps, ctx, private_card(chat_link(activity), _t(deps, activity)))


async def introduce(deps: TeamsDeps, ctx: Any) -> None:
    """The app added to a team or a group chat: what Palier is, once; nothing kept."""
    activity = ctx.activity
    readers = deps.flows.summary.readers_in_general()
    await reply(deps, ctx, introduction_card(chat_link(activity), _t(deps, activity), readers))


def card_action_refused(deps: TeamsDeps, ctx: Any) -> Any:
    """A card's button clicked in a shared conversation: a notice, the card unchanged."""
    return toast(private_text(_t(deps, ctx.activity)).plain())


def dialog_refused(deps: TeamsDeps, ctx: Any) -> Any:
    """A dialog asked for (or submitted) in a shared conversation: a notice instead."""
    return said(private_text(_t(deps, ctx.activity)).plain())
