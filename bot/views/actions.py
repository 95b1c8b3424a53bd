"""The names of the actions a card offers, the same for every front end.

A :class:`~bot.views.cards.Button` names its action here; each front end maps the name
to its own identifiers (Slack: ``handlers.slack.ids``) and back to a flow's operation.
"""

from __future__ import annotations

START_CHECKIN = "checkin.start"
SKIP_CHECKIN = "checkin.skip"
SNOOZE_CHECKIN = "checkin.snooze"

PROMPT_ACTIONS = "checkin.prompt"  # the prompt's row of buttons

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
