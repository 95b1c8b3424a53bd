"""The tick's Slack side: DMs, reminders, and the prompt's later states.

Implements :class:`bot.tick.Messenger` with the Web API. An error that will not
go away for this person (deactivated, cannot be messaged) becomes
:class:`~bot.tick.PermanentDeliveryError`; an error that says the workspace's
token fails (revoked, account inactive, app uninstalled) becomes
:class:`~bot.tick.WorkspaceUnavailable`, so the tick pauses the workspace rather
than failing its people one by one; anything else propagates and the tick retries
later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.metadata import Metadata

from bot.delivery_guards import DeliveryDeferred, DeliveryUncertain, WorkspaceUnavailable
from bot.i18n import Translator
from bot.one_on_one import Brief
from bot.people import Profile
from bot.review import Digest
from bot.tick import Delivery, PermanentDeliveryError, PromptCard, Recipient
from handlers.slack import ids
from handlers.slack.builders import one_on_one_builder, prompt_builder, review_builder
from handlers.slack.client import RateLimited
from handlers.slack.oauth import NotInstalledError
from handlers.slack.profiles import to_profile
from storage.models import PromptStatus

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


class SlackMessenger:
    """Sends the tick's messages; ``client_for`` gives the client of a workspace."""

    def __init__(self, client_for: Callable[[str], WebClient]) -> None:
        self.client_for = client_for

    def _client(self, workspace_id: str) -> WebClient:
        try:
            return self.client_for(workspace_id)
        except NotInstalledError as error:
            raise WorkspaceUnavailable("not_installed") from error

    def _call(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except RateLimited as error:  # Slack's Retry-After has not elapsed yet
            raise DeliveryDeferred(str(error)) from error
        except SlackApiError as error:
            if error.response.status_code == 429:  # the client's retries are used up
                raise DeliveryDeferred(_error(error)) from error
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
        client = self._client(recipient.workspace_id)
        answer = self._call(lambda: client.conversations_open(users=recipient.user_id))
        return str(answer["channel"]["id"])

    def send_prompt(self, card: PromptCard) -> Delivery:
        recipient = card.recipient
        t = Translator(recipient.locale)
        channel = self._dm(recipient)
        client = self._client(recipient.workspace_id)
        answer = self._call(
            lambda: self._uncertain(
                client.chat_postMessage,
                channel=channel,
                text=prompt_builder.prompt_text(card.form, t),
                blocks=prompt_builder.prompt_blocks(card.form, recipient.timezone, t),
                metadata=Metadata(
                    event_type=ids.PROMPT_EVENT_TYPE,
                    event_payload={"prompt_id": card.form.prompt_id},
                ),
            )
        )
        return Delivery(str(answer["channel"]), str(answer["ts"]))

    def send_reminder(self, card: PromptCard, after_snooze: bool) -> Delivery:
        recipient = card.recipient
        t = Translator(recipient.locale)
        channel = card.delivery.channel_id if card.delivery else self._dm(recipient)
        client = self._client(recipient.workspace_id)
        answer = self._call(
            lambda: self._uncertain(
                client.chat_postMessage,
                channel=channel,
                text=prompt_builder.prompt_text(card.form, t),
                blocks=prompt_builder.reminder_blocks(
                    card.form, recipient.timezone, t, after_snooze=after_snooze
                ),
            )
        )
        return Delivery(str(answer["channel"]), str(answer["ts"]))

    def find_prompt(self, card: PromptCard) -> Delivery | None:
        channel = self._dm(card.recipient)
        client = self._client(card.recipient.workspace_id)
        answer = self._call(
            lambda: client.conversations_history(
                channel=channel, include_all_metadata=True, limit=15
            )
        )
        for message in answer.get("messages", []):
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == ids.PROMPT_EVENT_TYPE and str(
                payload.get("prompt_id")
            ) == str(card.form.prompt_id):
                return Delivery(channel, str(message["ts"]))
        return None

    def close_prompt(self, card: PromptCard, status: PromptStatus) -> None:
        t = Translator(card.recipient.locale)
        client = self._client(card.recipient.workspace_id)
        blocks = prompt_builder.missed_blocks(card.form, t)
        for message in card.messages():  # the prompt and its reminder: no live buttons left
            self._update(client, message, prompt_builder.prompt_text(card.form, t), blocks)

    def send_review_digest(self, recipient: Recipient, digest: Digest) -> Delivery:
        t = Translator(recipient.locale)
        channel = self._dm(recipient)
        client = self._client(recipient.workspace_id)
        answer = self._call(
            lambda: self._uncertain(
                client.chat_postMessage,
                channel=channel,
                text=review_builder.digest_text(digest, t),
                blocks=review_builder.digest_blocks(digest, t),
            )
        )
        return Delivery(str(answer["channel"]), str(answer["ts"]))

    def send_one_on_one_brief(
        self, recipient: Recipient, brief: Brief, meeting_at: datetime
    ) -> Delivery:
        t = Translator(recipient.locale)
        channel = self._dm(recipient)
        client = self._client(recipient.workspace_id)
        answer = self._call(
            lambda: self._uncertain(
                client.chat_postMessage,
                channel=channel,
                text=one_on_one_builder.brief_text(brief, t),
                blocks=one_on_one_builder.brief_blocks(
                    brief, recipient.timezone, t, meeting_at=meeting_at
                ),
            )
        )
        return Delivery(str(answer["channel"]), str(answer["ts"]))

    def _update(self, client: WebClient, message: Delivery, text: str, blocks: list[Block]) -> None:
        self._call(
            lambda: client.chat_update(
                channel=message.channel_id, ts=message.message_ts, text=text, blocks=blocks
            )
        )
