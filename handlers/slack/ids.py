"""Every action_id, callback_id and block_id prefix Palier's Slack front end uses.

Builders and listeners import them from here, so a renamed id cannot leave a
button without its listener.
"""

from __future__ import annotations

# Buttons of the weekly prompt (value: the prompt id).
START_CHECKIN = "checkin_start"
SKIP_CHECKIN = "checkin_skip"
SNOOZE_CHECKIN = "checkin_snooze"
PROMPT_ACTIONS_BLOCK = "checkin_prompt_actions"

# The check-in modal.
CHECKIN_VIEW = "checkin_submit"
# Block ids and action ids both end with ":" + the competency id, so every input
# of the modal is unique whatever Slack's uniqueness scope.
LEVEL_BLOCK = "level"
LEVEL_ACTION = "level_choice"
EVIDENCE_BLOCK = "evidence"
EVIDENCE_ACTION = "evidence_text"
LINK_BLOCK = "link"
LINK_ACTION = "evidence_link"
TOPIC_BLOCK = "topic"
TOPIC_ACTION = "topic_text"

# Message metadata on the prompt, so a recovering sender can recognise it.
PROMPT_EVENT_TYPE = "palier_checkin_prompt"

COMMAND = "/palier"


def competency_block(prefix: str, competency_id: str) -> str:
    return f"{prefix}:{competency_id}"


def split_block(block_id: str) -> tuple[str, str | None]:
    """``level:prospection`` → ``("level", "prospection")``; ``topic`` → ``("topic", None)``."""
    prefix, _, rest = block_id.partition(":")
    return prefix, rest or None
