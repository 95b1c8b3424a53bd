"""Slack's user directory, as :class:`bot.domain.people.Directory` describes it.

``users.lookupByEmail`` finds the account behind an address but does not say the
person's language, so every profile is read with ``users.info`` and
``include_locale``. "Nobody by that name" is an answer (None); anything else
Slack or the network does wrong raises :class:`bot.domain.people.DirectoryError`, so the
caller can stop instead of mistaking an outage for unknown people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.domain.people import DirectoryError, Profile
from handlers.slack.profiles import to_profile

# What Slack answers for an address or an id it does not know (and, per its
# documentation, for the address of a deactivated account).
NOT_FOUND = frozenset({"users_not_found", "user_not_found"})


def _call(method: str, call: Callable[[], Any]) -> Mapping[str, Any] | None:
    """The answer of one Web API call; None when Slack knows nobody by that key."""
    try:
        return dict(call().data)
    except SlackApiError as error:
        code = error.response.get("error") if error.response is not None else None
        if code in NOT_FOUND:
            return None
        status = getattr(error.response, "status_code", "?")
        raise DirectoryError(f"{method}: {code or 'error'} (HTTP {status})") from error
    except (SlackClientError, OSError, HTTPException) as error:  # network, timeout, reset
        raise DirectoryError(f"{method}: {error}") from error


class SlackDirectory:
    """The people of the bot token's workspace."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def lookup_by_email(self, email: str) -> Profile | None:
        """The person with this address, or None when the workspace has no such account."""
        found = _call("users.lookupByEmail", lambda: self.client.users_lookupByEmail(email=email))
        if found is None:
            return None
        return self.profile(str(found["user"]["id"]))

    def profile(self, user_id: str) -> Profile | None:
        """The person with this id, locale included, or None when Slack knows nobody by it."""
        found = _call(
            "users.info", lambda: self.client.users_info(user=user_id, include_locale=True)
        )
        return None if found is None else to_profile(found["user"])


def workspace(client: WebClient) -> tuple[str, str | None]:
    """The bot token's workspace: its team id and name (``auth.test``)."""
    answer = _call("auth.test", client.auth_test)
    if answer is None:  # auth.test has no "not found"; a user_not_found here is a failure
        raise DirectoryError("auth.test: user_not_found")
    return str(answer["team_id"]), answer.get("team")
