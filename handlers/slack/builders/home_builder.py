"""The App Home (Slack's Home tab) and the modals it opens: pause, day and time, language.

The words, the buttons and the fields are the core's (:mod:`bot.views.home`); this is
their Slack rendering (:mod:`handlers.slack.render`), which keeps the Home within
Slack's limits for a view (100 blocks, 3,000 characters a section …) whatever the
size of the référentiel and of the history: the competencies' paragraphs are run
together, or cut with a note, when the blocks would not fit.
"""

from __future__ import annotations

from datetime import date

from slack_sdk.models.views import View

from bot.domain.home import Home, Schedule
from bot.domain.home_team import TeamPage
from bot.i18n import Locale, Translator
from bot.i18n.rich import Rich
from bot.views import home
from handlers.slack import ids
from handlers.slack.render import form_view, home_view


def page_view(view: Home | TeamPage | None, t: Translator) -> View:
    """The person's Home, a manager's team (a manager Palier does not follow themself),
    or (``None``: not followed) what Palier is and whom to ask."""
    return home_view(home.page_card(view, t), ids.HOME_VIEW)


def notice_modal(text: Rich, t: Translator) -> View:
    """A one-paragraph modal: the answer to a Home button that cannot be carried out."""
    return form_view(home.notice_form(text, t))


def pause_modal(today: date, paused_until: date | None, t: Translator) -> View:
    return form_view(home.pause_form(today, paused_until, t))


def schedule_modal(schedule: Schedule, timezone: str, t: Translator) -> View:
    return form_view(home.schedule_form(schedule, timezone, t))


def language_modal(current: Locale, t: Translator) -> View:
    return form_view(home.language_form(current, t))
