"""The messenger port: what the core needs from a chat platform to deliver on its own.

One messenger per platform (Slack's is ``handlers.slack.messenger``, Teams'
``handlers.teams.messenger``), chosen for each workspace by its platform. It sends a
view (a type of :mod:`bot.delivery.views`, rendered by the platform in its own markup)
to a person, updates a message it sent, looks for one by the marker it was sent with,
sends a file, checks a workspace's token and reads a person's profile. A sent message is
known to the core by its reference, an opaque string only the messenger reads.

What a messenger raises tells the delivery mechanism what happened, so that one
person's or one workspace's trouble never becomes everybody's: see the exceptions
below; any other exception is a passing failure, retried at a later tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.domain.people import Profile, person_locale, zone_of
from bot.i18n import Locale
from storage.models import Person

UNKNOWN_OUTCOME = "unknown_outcome"  # last_error prefix: the message may have gone out


class PermanentDeliveryError(Exception):
    """This person cannot be messaged (``reason``: deactivated, cannot_dm, …).

    ``confirmed=False``: the answer looks permanent but may not be (Slack's
    ``user_not_found`` / ``channel_not_found`` also come from a passing glitch): the
    person is deactivated only if the platform says the account is deleted, or the
    failures persist across days (see :class:`bot.delivery.claims.Confirmation`).

    ``conversation_gone``: the conversation Palier stored for the person
    (``Recipient.conversation``) no longer reaches them — Teams says the app was removed
    for them, or knows the conversation no more. It is forgotten, so they are held as
    someone the app is not installed for (:data:`~bot.domain.people.NOT_INSTALLED`) until
    installing it again gives Palier a new one; the admin's status names them.
    """

    def __init__(
        self, reason: str, *, confirmed: bool = True, conversation_gone: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.confirmed = confirmed
        self.conversation_gone = conversation_gone


class DeliveryUncertain(Exception):
    """The message may have been posted or not (the answer never came)."""


class DeliveryDeferred(Exception):
    """Not sent now through nobody's fault (the platform's rate limit): a later tick
    tries again, without using one of the message's attempts. ``retry_after``: how long
    the platform asked to wait, when it said; then no process sends to the workspace
    before it elapses (its hold, :mod:`bot.delivery.leases`)."""

    def __init__(self, reason: str, retry_after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class WorkspaceUnavailable(Exception):
    """The workspace's token no longer works (``reason``: invalid_auth, token_revoked …)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to, as the platform needs it (no ORM object leaves a session)."""

    workspace_id: str
    user_id: str
    locale: Locale
    timezone: str
    conversation: str | None = None  # the stored direct conversation (opaque), if any

    @classmethod
    def of(
        cls, person: Person, workspace_id: str, default_locale: Locale, default_timezone: str
    ) -> Recipient:
        return cls(
            workspace_id=workspace_id,
            user_id=person.platform_user_id,
            locale=person_locale(person.locale, default_locale),
            timezone=zone_of(person, default_timezone),
            conversation=person.conversation_ref,
        )


@dataclass(frozen=True)
class Marker:
    """What a message is, attached to it when sent so it can be found again (a prompt
    whose post's answer never came is looked for before it is sent again)."""

    kind: str  # "prompt"
    key: int  # the prompt's id


@dataclass(frozen=True)
class OutgoingFile:
    """A file for one person, privately; ``title`` and ``comment`` are worded already."""

    filename: str
    content: str | bytes
    title: str
    comment: str | None = None


class Messenger(Protocol):
    """A chat platform's side of delivery."""

    def check_workspace(self, workspace_id: str) -> None:
        """Raise :class:`WorkspaceUnavailable` while the workspace's token fails."""
        ...

    def profile(self, recipient: Recipient) -> Profile | None:
        """The person as the platform sees them now (None: the platform does not know them)."""
        ...

    def send(
        self,
        recipient: Recipient,
        view: object,
        *,
        marker: Marker | None = None,
        near: str | None = None,
    ) -> str:
        """Post ``view`` in the person's direct conversation with Palier; its reference.

        ``marker`` is attached for :meth:`find`; ``near`` is a message already in that
        conversation (the platform may use it instead of opening the conversation).
        :class:`DeliveryUncertain` when it may have been posted all the same.
        """
        ...

    def conversation_of(self, ref: str) -> str | None:
        """The direct conversation the message ``ref`` was sent in, to keep as the
        person's (None: the platform keeps it otherwise): the next message goes there
        without asking the platform to open it again."""
        ...

    def update(self, recipient: Recipient, ref: str, view: object) -> None:
        """Show ``view`` in place of the message ``ref``."""
        ...

    def find(self, recipient: Recipient, marker: Marker) -> str | None:
        """The reference of the message sent with ``marker``, if it was posted."""
        ...

    def send_file(self, recipient: Recipient, file: OutgoingFile) -> None:
        """Give the person ``file`` in their direct conversation with Palier."""
        ...
