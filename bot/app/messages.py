"""Where the messages of a check-in prompt are, as references opaque to the core.

A reference is whatever the front end's messenger said when it posted the message
(stored in ``checkin_prompts.message_ref`` and ``reminder_ref``); only that front end
reads it (Slack's ``handlers.slack.effects.parse_ref``). A flow that changes a
prompt's state answers an :class:`~bot.app.outcome.UpdateMessages` effect naming
these references, and the front end updates each message.
"""

from __future__ import annotations

from storage.models import CheckinPrompt


def prompt_messages(prompt: CheckinPrompt, *also: str | None) -> tuple[str, ...]:
    """The prompt's message and its reminder (when posted), then ``also`` (the message
    the person clicked, say), each once, in a stable order."""
    refs = [ref for ref in (prompt.message_ref, prompt.reminder_ref, *also) if ref]
    return tuple(sorted(set(refs)))
