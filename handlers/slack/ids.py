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


# Evidence, any day: /palier log and the message shortcut open one modal.
LOG_EVIDENCE_SHORTCUT = "log_evidence_shortcut"
EVIDENCE_VIEW = "evidence_submit"
EV_COMPETENCY_BLOCK = "ev_competency"
EV_COMPETENCY_ACTION = "ev_competency_choice"  # dispatches: the criteria follow the choice
EV_CRITERION_BLOCK = "ev_criterion"
EV_CRITERION_ACTION = "ev_criterion_choice"
EV_TEXT_BLOCK = "ev_text"
EV_TEXT_ACTION = "ev_text_value"
EV_LINK_BLOCK = "ev_link"
EV_LINK_ACTION = "ev_link_value"
