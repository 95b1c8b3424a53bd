"""The names of the actions a card offers, the same for every front end.

A :class:`~bot.views.cards.Button` names its action here; each front end maps the name
to its own identifiers (Slack: ``handlers.slack.ids``) and back to a flow's operation.
"""

from __future__ import annotations

START_CHECKIN = "checkin.start"
SKIP_CHECKIN = "checkin.skip"
SNOOZE_CHECKIN = "checkin.snooze"
EDIT_CHECKIN = "checkin.edit"  # a submitted check-in, while its week is open (value: prompt)
EDIT_ACTIONS = "checkin.edit_actions"  # the summary's row with that button

PROMPT_ACTIONS = "checkin.prompt"  # the prompt's row of buttons

# The 1:1 brief's buttons (their row), the private-note form, its field, its confirmation.
ONE_ON_ONE_DONE = "one_on_one.done"
ONE_ON_ONE_NOTE = "one_on_one.note"
ONE_ON_ONE_ACTIONS = "one_on_one.actions"
ONE_ON_ONE_NOTE_FORM = "one_on_one.note_form"
ONE_ON_ONE_NOTE_TEXT = "one_on_one.note_text"
ONE_ON_ONE_NOTE_SAVED = "one_on_one.note_saved"
# A topic for one's next 1:1, any day: the button (on the Home and one's own brief), its
# form, the form's field, and what the form turns into once the topic is stored.
ONE_ON_ONE_TOPIC = "one_on_one.topic"
ONE_ON_ONE_TOPIC_FORM = "one_on_one.topic_form"
ONE_ON_ONE_TOPIC_TEXT = "one_on_one.topic_text"
ONE_ON_ONE_TOPIC_SAVED = "one_on_one.topic_saved"
# The manager's review (bot.views.review): Review on a report's row (value: the report's
# person id, keyed by it), Previous/Next on the list's and the digest's pages (keyed
# "prev"/"next"), the review form and its fields (a level per competency, keyed by its id).
REVIEW_OPEN = "review.open"
REVIEW_PAGE = "review.page"
DIGEST_PAGE = "review.digest_page"
REVIEW_PAGES = "review.pages"  # the rows of those buttons
DIGEST_PAGES = "review.digest_pages"
REVIEW_FORM = "review.form"
REVIEW_LEVEL = "review.level"
REVIEW_COMMENT = "review.comment"
REVIEW_SHARE = "review.share"
# The Home (a person's own page): its buttons, rows, forms and fields.
HOME_CHECKIN_NOW = "home.checkin_now"
HOME_LOG_EVIDENCE = "home.log_evidence"
HOME_PAUSE = "home.pause"
HOME_RESUME = "home.resume"
HOME_SCHEDULE = "home.schedule"
HOME_LANGUAGE = "home.language"
HOME_EVIDENCE_EDIT = "home.evidence.edit"  # keyed by the evidence id, its value too
HOME_EVIDENCE_DELETE = "home.evidence.delete"
HOME_EVIDENCE_OLDER = "home.evidence.older"  # value: the page to show
HOME_EVIDENCE_NEWER = "home.evidence.newer"

HOME_ACTIONS = "home.actions"  # the Home's row of buttons
# A manager's Home: their team's review list, the team view (bot.views.home_team), the row.
HOME_TEAM_REVIEW = "home.team_review"
HOME_TEAM_VIEW = "home.team_view"
HOME_TEAM_ACTIONS = "home.team_actions"
HOME_EVIDENCE = "home.evidence"  # a row per piece of evidence, keyed by its id
HOME_EVIDENCE_PAGES = "home.evidence.pages"

HOME_NOTICE_FORM = "home.notice_form"  # a form only read: why a button did nothing
HOME_PAUSE_FORM = "home.pause_form"
HOME_SCHEDULE_FORM = "home.schedule_form"
HOME_LANGUAGE_FORM = "home.language_form"

HOME_PAUSE_UNTIL = "home.pause_until"  # a date
HOME_WEEKDAY = "home.weekday"  # a weekday 0-6, or bot.views.home.DEFAULT_WEEKDAY
HOME_TIME = "home.time"  # a time, none for the default
HOME_LANGUAGE_CHOICE = "home.language_choice"  # a locale

# Erasing one's own data: the confirmed button of the question, and its row.
ERASE_MY_DATA = "privacy.erase"
ERASURE_ACTIONS = "privacy.erasure"
# Forms and their fields (a field's ``key`` is the competency id where a form repeats it).
CHECKIN_FORM = "checkin.form"
CHECKIN_LEVEL = "checkin.level"
CHECKIN_EVIDENCE = "checkin.evidence"
CHECKIN_LINK = "checkin.link"
CHECKIN_TOPIC = "checkin.topic"
EVIDENCE_FORM = "evidence.form"
EVIDENCE_COMPETENCY = "evidence.competency"  # refreshes the form: the criteria follow it
EVIDENCE_CRITERION = "evidence.criterion"
EVIDENCE_TEXT = "evidence.text"
EVIDENCE_LINK = "evidence.link"
EVIDENCE_DATE = "evidence.date"

# The welcome: show one's own page (the Home as a card where a platform has no Home tab),
# and the row of the welcome's buttons.
HOME_SHOW = "home.show"
WELCOME_ACTIONS = "welcome.actions"
# The button that opens the evidence form (where a command cannot open a form itself).
EVIDENCE_OPEN = "evidence.open"
# The progress chart: the Home's button that sends it (bot.views.progress_chart).
PROGRESS_CHART = "progress.chart"
# The VAE livret a manager asked for: the person's Share / Decline (value: the request).
LIVRET_SHARE = "livret.share"
LIVRET_DECLINE = "livret.decline"
LIVRET_ACTIONS = "livret.actions"
# A référentiel uploaded to Palier's DM (bot.views.referentiel_upload): its review's
# buttons (value: the pending upload's opaque id) and their row.
REFERENTIEL_ADD = "referentiel_upload.add"
REFERENTIEL_CANCEL = "referentiel_upload.cancel"
REFERENTIEL_UPLOAD_ACTIONS = "referentiel_upload.actions"
