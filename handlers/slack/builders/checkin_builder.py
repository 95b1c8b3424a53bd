"""The check-in modal, the check-in flow's refusals and its answer to a stored check-in, in
Block Kit.

The words and the fields are the core's (:mod:`bot.views.checkin`); this is their Slack
rendering, and the modal's ``private_metadata`` (:class:`CheckinMetadata`): the prompt,
and the Slack message the modal was opened from, so that message can be updated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.views import View

from bot.domain.checkin import CheckinForm
from bot.i18n import Translator
from bot.views.checkin import checkin_form, refusal
from handlers.slack.render import form_view


def refusal_text(
    code: str | None, t: Translator, closed: tuple[datetime, str] | None = None
) -> str:
    """A refusal as plain text (an inline error of the modal); ``closed``: when the
    week an edit was refused for closed, in the person's zone."""
    return refusal(code, t, closed).plain()


@dataclass(frozen=True)
class CheckinMetadata:
    """What the modal carries back on submit (its ``private_metadata``)."""

    prompt_id: int
    channel_id: str | None = None  # the message the modal was opened from, to update it
    message_ts: str | None = None

    def dump(self) -> str:
        return json.dumps(
            {"prompt_id": self.prompt_id, "channel": self.channel_id, "ts": self.message_ts}
        )

    @classmethod
    def load(cls, text: str) -> CheckinMetadata | None:
        try:
            data = json.loads(text)
            return cls(int(data["prompt_id"]), data.get("channel"), data.get("ts"))
        except (ValueError, TypeError, KeyError):
            return None


def checkin_modal(form: CheckinForm, metadata: CheckinMetadata, t: Translator) -> View:
    """The check-in modal for one prompt."""
    return form_view(checkin_form(form, metadata.dump(), t))
