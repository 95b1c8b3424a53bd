"""Every action_id, callback_id and block_id prefix Palier's Slack front end uses.

Builders and listeners import them from here, so a renamed id cannot leave a
button without its listener.
"""

from __future__ import annotations

from bot.views import actions

# Buttons of the weekly prompt (value: the prompt id).
START_CHECKIN = "checkin_start"
SKIP_CHECKIN = "checkin_skip"
SNOOZE_CHECKIN = "checkin_snooze"
EDIT_CHECKIN = "checkin_edit"  # the summary's "Edit my check-in" (value: the prompt's id)
EDIT_ACTIONS_BLOCK = "checkin_edit_actions"
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
EV_DATE_BLOCK = "ev_date"
EV_DATE_ACTION = "ev_date_value"

# Erasing one's own data (the confirmed button of /palier privacy delete).
PRIVACY_DELETE = "privacy_delete_confirmed"
# The VAE livret a manager asked for: the person's answer (value: the request).
LIVRET_SHARE = "livret_share"
LIVRET_DECLINE = "livret_decline"

# The App Home (handlers/slack/home.py) and its modals.
HOME_VIEW = "palier_home"
HOME_ACTIONS_BLOCK = "home_actions"
HOME_CHECKIN_NOW = "home_checkin_now"
HOME_LOG_EVIDENCE = "home_log_evidence"
HOME_PAUSE = "home_pause"
HOME_RESUME = "home_resume"
HOME_SCHEDULE = "home_schedule"
HOME_LANGUAGE = "home_language"
HOME_TEAM_BLOCK = "home_team"  # a manager's Home: the review list, the team view
HOME_TEAM_REVIEW = "home_team_review"
HOME_TEAM_VIEW = "home_team_view"
# One actions block per piece of evidence: block and action ids end with ":" + its id
# (unique in the view); the button's value is the evidence id too.
HOME_EVIDENCE_BLOCK = "home_ev"
HOME_EVIDENCE_EDIT = "home_ev_edit"
HOME_EVIDENCE_DELETE = "home_ev_delete"
HOME_EVIDENCE_PAGES_BLOCK = "home_ev_pages"
HOME_EVIDENCE_OLDER = "home_ev_older"  # value: the page to show
HOME_EVIDENCE_NEWER = "home_ev_newer"
# The welcome's button to one's page and its row: Teams' (Slack has the Home tab and
# sends no welcome card); ids all the same, should Slack ever show it.
HOME_SHOW = "home_show"
PROGRESS_CHART = "progress_chart"  # the Home's button: one's progress chart, in the DM
WELCOME_ACTIONS_BLOCK = "welcome_actions"
HOME_PAUSE_VIEW = "home_pause_submit"
HOME_PAUSE_BLOCK = "home_pause_until"
HOME_PAUSE_ACTION = "home_pause_date"
HOME_SCHEDULE_VIEW = "home_schedule_submit"
HOME_WEEKDAY_BLOCK = "home_weekday"
HOME_WEEKDAY_ACTION = "home_weekday_choice"
HOME_TIME_BLOCK = "home_time"
HOME_TIME_ACTION = "home_time_choice"
HOME_LANGUAGE_VIEW = "home_language_submit"
HOME_LANGUAGE_BLOCK = "home_language_input"
HOME_LANGUAGE_ACTION = "home_language_choice"
HOME_NOTICE_VIEW = "home_notice"

# The manager's review of self-ratings.
REVIEW_OPEN = "review_open"  # value: the report's person id
# Pages of the /palier review list and of the weekly digest: "<prefix>:prev|next",
# value: the page to show (clamped to the pages there are when clicked); the digest's
# value is "<cycle key>/<page>".
REVIEW_PAGE = "review_page"
DIGEST_PAGE = "digest_page"
REVIEW_VIEW = "review_submit"
REVIEW_LEVEL_BLOCK = "review_level"  # + ":" + competency id (action id likewise)
REVIEW_LEVEL_ACTION = "review_level_choice"
REVIEW_COMMENT_BLOCK = "review_comment"
REVIEW_COMMENT_ACTION = "review_comment_text"
REVIEW_SHARE_BLOCK = "review_share"
REVIEW_SHARE_ACTION = "review_share_choice"

# The 1:1 brief (/palier 1on1): "1:1 done" carries the report's id, when the brief was
# shown and the 1:1 it followed; "Add a note" the report's id. The private-note modal.
ONE_ON_ONE_ACTIONS_BLOCK = "one_on_one_actions"
ONE_ON_ONE_DONE = "one_on_one_done"
ONE_ON_ONE_NOTE = "one_on_one_note"
ONE_ON_ONE_NOTE_VIEW = "one_on_one_note_submit"  # private_metadata: the report's id
ONE_ON_ONE_NOTE_BLOCK = "one_on_one_note_input"
ONE_ON_ONE_NOTE_ACTION = "one_on_one_note_text"
ONE_ON_ONE_NOTE_SAVED_VIEW = "one_on_one_note_saved"
# A topic for one's next 1:1, any day: the button (on the Home and one's own brief), its
# modal and what the modal turns into once the topic is stored.
ONE_ON_ONE_TOPIC = "one_on_one_topic"
ONE_ON_ONE_TOPIC_VIEW = "one_on_one_topic_submit"
ONE_ON_ONE_TOPIC_BLOCK = "one_on_one_topic_input"
ONE_ON_ONE_TOPIC_ACTION = "one_on_one_topic_text"
ONE_ON_ONE_TOPIC_SAVED_VIEW = "one_on_one_topic_saved"


# A référentiel uploaded to Palier's DM: its review's Add and Cancel (value: the pending
# upload's opaque id), and their row.
REFERENTIEL_ADD = "referentiel_upload_add"
REFERENTIEL_CANCEL = "referentiel_upload_cancel"
REFERENTIEL_UPLOAD_BLOCK = "referentiel_upload_actions"


# The core's names (bot.views.actions) as this front end's ids: actions as action ids,
# rows as block ids, forms as callback ids, fields as (block id, action id) prefixes. A
# button, row or field the view repeats adds ":" + its key (competency_block).
ACTION_IDS: dict[str, str] = {
    # The weekly prompt.
    actions.START_CHECKIN: START_CHECKIN,
    actions.SKIP_CHECKIN: SKIP_CHECKIN,
    actions.SNOOZE_CHECKIN: SNOOZE_CHECKIN,
    actions.EDIT_CHECKIN: EDIT_CHECKIN,
    # The Home.
    actions.HOME_CHECKIN_NOW: HOME_CHECKIN_NOW,
    actions.HOME_LOG_EVIDENCE: HOME_LOG_EVIDENCE,
    actions.HOME_PAUSE: HOME_PAUSE,
    actions.HOME_RESUME: HOME_RESUME,
    actions.HOME_SCHEDULE: HOME_SCHEDULE,
    actions.HOME_LANGUAGE: HOME_LANGUAGE,
    actions.HOME_EVIDENCE_EDIT: HOME_EVIDENCE_EDIT,
    actions.HOME_EVIDENCE_DELETE: HOME_EVIDENCE_DELETE,
    actions.HOME_EVIDENCE_OLDER: HOME_EVIDENCE_OLDER,
    actions.HOME_EVIDENCE_NEWER: HOME_EVIDENCE_NEWER,
    actions.HOME_SHOW: HOME_SHOW,
    actions.HOME_TEAM_REVIEW: HOME_TEAM_REVIEW,
    actions.HOME_TEAM_VIEW: HOME_TEAM_VIEW,
    actions.PROGRESS_CHART: PROGRESS_CHART,
    # The manager's review.
    actions.REVIEW_OPEN: REVIEW_OPEN,
    actions.REVIEW_PAGE: REVIEW_PAGE,
    actions.DIGEST_PAGE: DIGEST_PAGE,
    # The 1:1 brief.
    actions.ONE_ON_ONE_DONE: ONE_ON_ONE_DONE,
    actions.ONE_ON_ONE_NOTE: ONE_ON_ONE_NOTE,
    actions.ONE_ON_ONE_TOPIC: ONE_ON_ONE_TOPIC,
    # Erasing one's own data (its row has no block id).
    actions.ERASE_MY_DATA: PRIVACY_DELETE,
    # The VAE livret a manager asked for (its row has no block id).
    actions.LIVRET_SHARE: LIVRET_SHARE,
    actions.LIVRET_DECLINE: LIVRET_DECLINE,
    # A référentiel's upload.
    actions.REFERENTIEL_ADD: REFERENTIEL_ADD,
    actions.REFERENTIEL_CANCEL: REFERENTIEL_CANCEL,
}
BLOCK_IDS: dict[str, str] = {
    actions.PROMPT_ACTIONS: PROMPT_ACTIONS_BLOCK,
    actions.EDIT_ACTIONS: EDIT_ACTIONS_BLOCK,
    actions.HOME_ACTIONS: HOME_ACTIONS_BLOCK,
    actions.HOME_TEAM_ACTIONS: HOME_TEAM_BLOCK,
    actions.HOME_EVIDENCE: HOME_EVIDENCE_BLOCK,
    actions.HOME_EVIDENCE_PAGES: HOME_EVIDENCE_PAGES_BLOCK,
    actions.ONE_ON_ONE_ACTIONS: ONE_ON_ONE_ACTIONS_BLOCK,
    actions.WELCOME_ACTIONS: WELCOME_ACTIONS_BLOCK,
    actions.REFERENTIEL_UPLOAD_ACTIONS: REFERENTIEL_UPLOAD_BLOCK,
}
FORM_IDS: dict[str, str] = {
    actions.CHECKIN_FORM: CHECKIN_VIEW,
    actions.EVIDENCE_FORM: EVIDENCE_VIEW,
    actions.HOME_NOTICE_FORM: HOME_NOTICE_VIEW,
    actions.HOME_PAUSE_FORM: HOME_PAUSE_VIEW,
    actions.HOME_SCHEDULE_FORM: HOME_SCHEDULE_VIEW,
    actions.HOME_LANGUAGE_FORM: HOME_LANGUAGE_VIEW,
    actions.REVIEW_FORM: REVIEW_VIEW,
    actions.ONE_ON_ONE_NOTE_FORM: ONE_ON_ONE_NOTE_VIEW,
    actions.ONE_ON_ONE_NOTE_SAVED: ONE_ON_ONE_NOTE_SAVED_VIEW,
    actions.ONE_ON_ONE_TOPIC_FORM: ONE_ON_ONE_TOPIC_VIEW,
    actions.ONE_ON_ONE_TOPIC_SAVED: ONE_ON_ONE_TOPIC_SAVED_VIEW,
}
FIELD_IDS: dict[str, tuple[str, str]] = {
    actions.CHECKIN_LEVEL: (LEVEL_BLOCK, LEVEL_ACTION),
    actions.CHECKIN_EVIDENCE: (EVIDENCE_BLOCK, EVIDENCE_ACTION),
    actions.CHECKIN_LINK: (LINK_BLOCK, LINK_ACTION),
    actions.CHECKIN_TOPIC: (TOPIC_BLOCK, TOPIC_ACTION),
    actions.EVIDENCE_COMPETENCY: (EV_COMPETENCY_BLOCK, EV_COMPETENCY_ACTION),
    actions.EVIDENCE_CRITERION: (EV_CRITERION_BLOCK, EV_CRITERION_ACTION),
    actions.EVIDENCE_TEXT: (EV_TEXT_BLOCK, EV_TEXT_ACTION),
    actions.EVIDENCE_LINK: (EV_LINK_BLOCK, EV_LINK_ACTION),
    actions.EVIDENCE_DATE: (EV_DATE_BLOCK, EV_DATE_ACTION),
    actions.HOME_PAUSE_UNTIL: (HOME_PAUSE_BLOCK, HOME_PAUSE_ACTION),
    actions.HOME_WEEKDAY: (HOME_WEEKDAY_BLOCK, HOME_WEEKDAY_ACTION),
    actions.HOME_TIME: (HOME_TIME_BLOCK, HOME_TIME_ACTION),
    actions.HOME_LANGUAGE_CHOICE: (HOME_LANGUAGE_BLOCK, HOME_LANGUAGE_ACTION),
    actions.REVIEW_LEVEL: (REVIEW_LEVEL_BLOCK, REVIEW_LEVEL_ACTION),
    actions.REVIEW_COMMENT: (REVIEW_COMMENT_BLOCK, REVIEW_COMMENT_ACTION),
    actions.REVIEW_SHARE: (REVIEW_SHARE_BLOCK, REVIEW_SHARE_ACTION),
    actions.ONE_ON_ONE_NOTE_TEXT: (ONE_ON_ONE_NOTE_BLOCK, ONE_ON_ONE_NOTE_ACTION),
    actions.ONE_ON_ONE_TOPIC_TEXT: (ONE_ON_ONE_TOPIC_BLOCK, ONE_ON_ONE_TOPIC_ACTION),
}
