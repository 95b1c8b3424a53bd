"""Slack's messenger: the delivery port (:class:`bot.delivery.messenger.Messenger`)
on the Web API.

A view is shown as its card (:mod:`bot.presenters`, :func:`handlers.slack.effects.render`); a message's
reference is ``channel:ts`` (:func:`~handlers.slack.effects.message_ref`); a marker is
the message's metadata, found again in the DM's history. An error that will not go
away for this person (deactivated, cannot be messaged) becomes
:class:`~bot.delivery.messenger.PermanentDeliveryError`; one that says the workspace's
token fails (revoked, account inactive, app uninstalled) becomes
:class:`~bot.delivery.messenger.WorkspaceUnavailable`, so the tick pauses the
workspace rather than failing its people one by one; Slack's rate limit once the
client's retries are used up, or a ``Retry-After`` of more than :data:`SHORT_WAIT`
seconds still running (a shorter one is waited out), becomes
:class:`~bot.delivery.messenger.DeliveryDeferred`; a post whose answer never came,
:class:`~bot.delivery.messenger.DeliveryUncertain`; anything else propagates and the
tick retries later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.metadata import Metadata

from bot.delivery.messenger import (
    DeliveryDeferred,
    DeliveryUncertain,
    Marker,
    OutgoingFile,
    PermanentDeliveryError,
    Recipient,
    WorkspaceUnavailable,
)
from bot.delivery.views import PROMPT_MARKER
from bot.domain.people import Profile
from handlers.slack import ids
from handlers.slack.client import RateLimited, retry_after_of
from handlers.slack.effects import message_ref, parse_ref, render
from handlers.slack.markup import slack_translator
from handlers.slack.oauth import NotInstalledError
from handlers.slack.pacing import Pacer
from handlers.slack.profiles import to_profile

# Answers that say this person cannot receive Palier's DMs at all.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "user_disabled",
        "user_not_visible",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "messages_tab_disabled",
    }
)


# Answers that say the workspace's token does not work: nobody in it can be written to.
WORKSPACE_ERRORS = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "team_access_not_granted",
        "ekm_access_denied",
        "org_login_required",
    }
)


# Of those, the ones that may come from a passing glitch: confirmed before deactivating.
UNCONFIRMED_ERRORS = frozenset({"user_not_found", "channel_not_found", "user_not_visible"})


def _error(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error"))


# The metadata event type of each kind of marker (Marker.kind); its payload is {"<kind>_id": key}.
MARKER_EVENT_TYPES = {PROMPT_MARKER: ids.PROMPT_EVENT_TYPE}
HISTORY_LOOKED_AT = 15  # the latest messages of the DM a marked message is looked for in
# Seconds of Slack's Retry-After the tick waits out before it gives a workspace's prompts
# back until the next tick (a minute): a busy workspace's interactions (check-ins' DMs)
# share its chat.postMessage limit with the prompts, and a 429 there asks for a second or
# two (bench/thursday_bench.py: 5,000 prompts took 821 s instead of 500 while every such
# pause deferred the rest of the workspace's prompts to the next tick).
SHORT_WAIT = 5.0


def _metadata(marker: Marker) -> Metadata:
    return Metadata(
        event_type=MARKER_EVENT_TYPES[marker.kind],
        event_payload={f"{marker.kind}_id": marker.key},
    )


def _marked(message: dict[str, Any], marker: Marker) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return bool(
        metadata.get("event_type") == MARKER_EVENT_TYPES[marker.kind]
        and str(payload.get(f"{marker.kind}_id")) == str(marker.key)
    )


class SlackMessenger:
    """Delivers through the Web API; ``client_for`` gives the client of a workspace."""

    def __init__(self, client_for: Callable[[str], WebClient], pacer: Pacer | None = None) -> None:
        self.client_for = client_for
        self.pacer = pacer or Pacer(None)  # the tick's posts, spaced per workspace

    def _client(self, workspace_id: str) -> WebClient:
        try:
            return self.client_for(workspace_id)
        except NotInstalledError as error:
            raise WorkspaceUnavailable("not_installed") from error

    def _call(self, call: Callable[[], Any]) -> Any:
        waited = 0.0
        while True:
            try:
                return self._call_once(call)
            except RateLimited as error:  # Slack's Retry-After has not elapsed yet
                if waited + error.seconds > SHORT_WAIT:
                    wait = timedelta(seconds=error.seconds)
                    raise DeliveryDeferred(str(error), wait) from error
                self.pacer.sleep(error.seconds)  # a moment: the lane goes on after it
                waited += error.seconds

    def _call_once(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except SlackApiError as error:
            if error.response.status_code == 429:  # the client's retries are used up
                wait = timedelta(seconds=retry_after_of(error.response.headers))
                raise DeliveryDeferred(_error(error), wait) from error
            if _error(error) in WORKSPACE_ERRORS:
                raise WorkspaceUnavailable(_error(error)) from error
            if _error(error) in PERMANENT_ERRORS:
                confirmed = _error(error) not in UNCONFIRMED_ERRORS
                raise PermanentDeliveryError(_error(error), confirmed=confirmed) from error
            raise

    @staticmethod
    def _uncertain(post: Callable[..., Any], **arguments: Any) -> Any:
        """A post whose answer never came (the client timed out, or the connection
        dropped: see :data:`handlers.slack.client.NOT_REPEATABLE`) may have gone out."""
        try:
            return post(**arguments)
        except (TimeoutError, ConnectionError, URLError, HTTPException) as error:
            raise DeliveryUncertain(f"{type(error).__name__}: {error}") from error

    def check_workspace(self, workspace_id: str) -> None:
        client = self._client(workspace_id)
        self._call(client.auth_test)

    def profile(self, recipient: Recipient) -> Profile | None:
        client = self._client(recipient.workspace_id)
        answer = self._call(lambda: client.users_info(user=recipient.user_id, include_locale=True))
        return to_profile(answer["user"])

    def _dm(self, recipient: Recipient) -> str:
        """The person's DM with Palier: the one stored, else opened (``conversations.open``,
        Tier 3: once per person, never once per message)."""
        if recipient.conversation:
            return recipient.conversation
        client = self._client(recipient.workspace_id)
        answer = self._call(lambda: client.conversations_open(users=recipient.user_id))
        return str(answer["channel"]["id"])

    def conversation_of(self, ref: str) -> str | None:
        channel = parse_ref(ref)[0]
        return channel if channel.startswith("D") else None

    def send(
        self,
        recipient: Recipient,
        view: object,
        *,
        marker: Marker | None = None,
        near: str | None = None,
    ) -> str:
        text, blocks = render(view, slack_translator(recipient.locale))
        # A user id as the channel posts in their DM with the app (Slack opens it if
        # needed): no conversations.open before a person's first message either.
        channel = parse_ref(near)[0] if near else recipient.conversation or recipient.user_id
        client = self._client(recipient.workspace_id)
        arguments: dict[str, Any] = {"channel": channel, "text": text, "blocks": blocks}
        if marker is not None:
            arguments["metadata"] = _metadata(marker)
        self.pacer.wait_turn(recipient.workspace_id)
        answer = self._call(lambda: self._uncertain(client.chat_postMessage, **arguments))
        return f"{answer['channel']}:{answer['ts']}"

    def update(self, recipient: Recipient, ref: str, view: object) -> None:
        text, blocks = render(view, slack_translator(recipient.locale))
        channel, ts = parse_ref(ref)
        client = self._client(recipient.workspace_id)
        self._call(lambda: client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks))

    def find(self, recipient: Recipient, marker: Marker) -> str | None:
        channel = self._dm(recipient)
        client = self._client(recipient.workspace_id)
        answer = self._call(
            lambda: client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_LOOKED_AT
            )
        )
        for message in answer.get("messages", []):
            if _marked(message, marker):
                return message_ref(channel, str(message["ts"]))
        return None

    def send_file(self, recipient: Recipient, file: OutgoingFile) -> None:
        channel = self._dm(recipient)
        client = self._client(recipient.workspace_id)
        self._call(
            lambda: client.files_upload_v2(
                channel=channel,
                filename=file.filename,
                content=file.content,
                title=file.title,
                initial_comment=file.comment,
            )
        )
