"""Slack's user directory, as :class:`bot.domain.people.Directory` describes it.

``users.lookupByEmail`` finds the account behind an address but does not say the
person's language, so every profile is read with ``users.info`` and
``include_locale``. "Nobody by that name" is an answer (None); anything else
Slack or the network does wrong raises :class:`bot.domain.people.DirectoryError`, so the
caller can stop instead of mistaking an outage for unknown people.

Many requests ask Slack about the asker (``users.info`` is Web API tier 4, about 100
calls a minute per workspace): the help, to say which commands are theirs; every flow
where an admin may do more (``/palier admin …``, ``/palier team``, a review, ``/palier
export``, a 1:1 for someone else), to know whether Slack calls them an admin; and an
admin's enrolment, to read the person named. :class:`ProfileCache` keeps the profiles
read a few minutes (:data:`PROFILE_FRESH`), and forgets one as soon as Slack says the
person changed (``user_change``, which Slack sends when someone is made an admin or
stops being one, or is deactivated).

What a kept profile may answer depends on what it decides:

- what is only shown (the help's list of commands, a name, a zone, a language) may come
  from a profile read lately: a new admin sees the admin's help at their next help after
  the event, at the latest :data:`PROFILE_FRESH` later;
- a rights check may use a kept profile only to refuse faster, never to grant: a profile
  that says "admin" is read again from Slack at each request (``display_only=False``,
  the default), so a demotion is seen at once, event or not. A promotion Slack has not
  told Palier of may wait :data:`PROFILE_FRESH`, like the help.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.domain.people import DirectoryError, Profile
from handlers.slack.profiles import to_profile

# What Slack answers for an address or an id it does not know (and, per its
# documentation, for the address of a deactivated account).
NOT_FOUND = frozenset({"users_not_found", "user_not_found"})

PROFILE_FRESH = timedelta(minutes=5)  # how long a profile read is used again
PROFILES_KEPT = 10_000  # at most, per process: past it, the oldest are forgotten


def _now() -> datetime:
    return datetime.now(UTC)


class ProfileCache:
    """Profiles read from Slack, by workspace and user, each used again for ``fresh``
    after it was read (thread-safe: listeners run on a pool)."""

    def __init__(
        self,
        clock: Callable[[], datetime] = _now,
        fresh: timedelta = PROFILE_FRESH,
        kept: int = PROFILES_KEPT,
    ) -> None:
        self.clock = clock
        self.fresh = fresh
        self.kept = kept
        self._lock = threading.Lock()
        self._profiles: dict[tuple[str, str], tuple[datetime, Profile]] = {}

    def get(self, team_id: str, user_id: str) -> Profile | None:
        """The profile read less than ``fresh`` ago; None when there is none."""
        with self._lock:
            found = self._profiles.get((team_id, user_id))
            if found is None:
                return None
            if self.clock() - found[0] >= self.fresh:
                del self._profiles[(team_id, user_id)]
                return None
            return found[1]

    def put(self, team_id: str, user_id: str, profile: Profile) -> None:
        with self._lock:
            self._profiles.pop((team_id, user_id), None)  # the newest last
            self._profiles[(team_id, user_id)] = (self.clock(), profile)
            while len(self._profiles) > self.kept:
                del self._profiles[next(iter(self._profiles))]  # the oldest read

    def forget(self, team_id: str, user_id: str) -> None:
        """Slack says the person changed: the next request reads them again."""
        with self._lock:
            self._profiles.pop((team_id, user_id), None)


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

    def __init__(
        self,
        client: WebClient,
        cache: ProfileCache | None = None,
        team_id: str = "",
        *,
        display_only: bool = False,
    ) -> None:
        """``cache``: profiles of the workspace ``team_id`` read a moment ago are used again
        (see the module's docstring); without, Slack is asked each time. Unless
        ``display_only`` (the answers only decide what is shown, as the help's), a kept
        profile that makes its person an admin is read again: the cache never grants."""
        self.client = client
        self.cache = cache
        self.team_id = team_id
        self.display_only = display_only

    def lookup_by_email(self, email: str) -> Profile | None:
        """The person with this address, or None when the workspace has no such account."""
        found = _call("users.lookupByEmail", lambda: self.client.users_lookupByEmail(email=email))
        if found is None:
            return None
        return self.profile(str(found["user"]["id"]))

    def profile(self, user_id: str) -> Profile | None:
        """The person with this id, locale included, or None when Slack knows nobody by it."""
        kept = self.cache.get(self.team_id, user_id) if self.cache is not None else None
        # "Admin" grants power (admin commands, others' data): Slack's word of this very
        # request decides it. Any other profile kept may serve: it can only refuse.
        if kept is not None and (self.display_only or not kept.is_admin):
            return kept
        found = _call(
            "users.info", lambda: self.client.users_info(user=user_id, include_locale=True)
        )
        if found is None:
            return None
        profile = to_profile(found["user"])
        if self.cache is not None:
            self.cache.put(self.team_id, user_id, profile)
        return profile


def workspace(client: WebClient) -> tuple[str, str | None]:
    """The bot token's workspace: its team id and name (``auth.test``)."""
    answer = _call("auth.test", client.auth_test)
    if answer is None:  # auth.test has no "not found"; a user_not_found here is a failure
        raise DirectoryError("auth.test: user_not_found")
    return str(answer["team_id"]), answer.get("team")
