"""The messages delivery sends, as neutral views a platform renders in its own markup.

Each names what it shows (the domain's own view types: a check-in form, a digest, a
brief) and what the rendering needs beyond the reader's language, such as the time
zone a deadline is written in. Slack renders them in ``handlers.slack.effects``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.checkin import CheckinForm
from bot.domain.one_on_one import Brief
from bot.domain.review import Digest
from bot.domain.snooze import SnoozeOption
from bot.domain.welcome import Greeting

PROMPT_MARKER = "prompt"  # the kind of marker a prompt is sent with (Marker.kind)


@dataclass(frozen=True)
class PromptMessage:
    """The week's prompt: its competencies and the buttons to check in, skip or snooze
    (``snooze``: the choices open when it is sent)."""

    form: CheckinForm
    timezone: str
    snooze: tuple[SnoozeOption, ...]


@dataclass(frozen=True)
class ReminderMessage:
    """The one reminder, or the prompt back after a snooze (``after_snooze``)."""

    form: CheckinForm
    timezone: str
    after_snooze: bool
    snooze: tuple[SnoozeOption, ...]


@dataclass(frozen=True)
class SnoozeReturned:
    """The first message of a snoozed prompt once it came back in a new one: it says
    when it was put off to, and keeps no buttons (the new message has them)."""

    form: CheckinForm
    until: datetime
    timezone: str


@dataclass(frozen=True)
class MissedPrompt:
    """A prompt (or its reminder) whose week ended unanswered: no buttons left."""

    form: CheckinForm


@dataclass(frozen=True)
class EarlierPrompt:
    """The first message of a prompt whose week ended unanswered after a reminder or a
    snooze's return: it points to the latest one, which says the week closed."""

    form: CheckinForm


@dataclass(frozen=True)
class WelcomeMessage:
    """The welcome of someone just enrolled (sent once: :mod:`bot.delivery.welcomes`)."""

    greeting: Greeting


@dataclass(frozen=True)
class WeeklyReview:
    """A manager's weekly team review."""

    digest: Digest


@dataclass(frozen=True)
class ScheduledBrief:
    """The brief of a recurring 1:1 that starts at ``meeting_at``."""

    brief: Brief
    timezone: str
    meeting_at: datetime
