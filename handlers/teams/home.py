"""Palier's page in Teams (Slack's App Home): the home card and what its buttons do.

``accueil`` (or ``home``) typed to Palier, or "My page" on the welcome card, posts the
person's page as a card (:func:`bot.views.home.page_card`): where they stand, their
history, their next check-in, their evidence a page at a time. Its buttons:

- ``Action.Execute``, answered by the card's new state in place: older or newer evidence,
  Delete (confirmed on the card first), Resume — and the card's own refresh, which Teams
  runs when the card comes into view (:mod:`handlers.teams.home_card`); on a manager's
  page, Open the review and Team view post what ``revue`` and ``équipe`` post, below;
- dialogs (``task/fetch``), each the core's form: Check in now (this week's check-in,
  submitted as :mod:`handlers.teams.checkin` takes it), Log evidence and Edit (the
  evidence form, submitted as :mod:`handlers.teams.evidence` takes it), Pause (a date),
  Day and time, Language.

A dialog's submission calls the flow; problems bring the form back as it was filled in,
each beside its field (:func:`bot.views.forms.refilled`); once saved, the dialog closes
and the flow's RefreshHome updates the home card it was opened from (its ``origin``,
:mod:`handlers.teams.home_card`). Everything read or changed is the actor's own.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from bot.app.evidence import EvidenceForm
from bot.app.home import PauseChoice, ScheduleChoice, refusal_key
from bot.app.outcome import Outcome, Problem, RefreshHome
from bot.domain.commands import Command, Parsed
from bot.i18n import Translator
from bot.i18n.rich import Rich
from bot.views import actions
from bot.views.cards import Form
from bot.views.checkin import checkin_form
from bot.views.forms import refilled
from bot.views.home import chosen_weekday, language_form, pause_form, schedule_form
from handlers.teams.checkin import FORM_KEYS, checkin_state
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.effects import carry_out
from handlers.teams.evidence import form_of
from handlers.teams.home_card import (
    HOME_REFRESH,
    ShownHome,
    answer_home,
    clicked_home,
    handle_refresh,
    post_home,
    refresher,
)
from handlers.teams.replies import dialog, said, toast
from handlers.teams.review import post_review_list
from handlers.teams.team import post_team
from handlers.teams.wording import teams_t

# The form's fields each problem of a flow is about (by the flow's name of the field).
PAUSE_FIELDS = {"until": actions.HOME_PAUSE_UNTIL}
SCHEDULE_FIELDS = {"weekday": actions.HOME_WEEKDAY, "time": actions.HOME_TIME}


def _refused(outcome: Outcome[Any]) -> str:
    return teams_t(outcome).rich(refusal_key(outcome.refusal or "")).plain()


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """What the person filled in a dialog (its data without Palier's own keys)."""
    return {k: v for k, v in data.items() if k not in FORM_KEYS}


def _text(values: dict[str, Any], name: str) -> str | None:
    value = values.get(name)
    return str(value) if value not in (None, "") else None


def _noted(problems: tuple[Problem, ...], fields: dict[str, str], t: Translator) -> dict[str, Rich]:
    """Each problem's words beside its field (a problem of no known field: on top)."""
    noted: dict[str, Rich] = {}
    for problem in problems:
        noted.setdefault(fields.get(problem.field, ""), t.rich(problem.key))
    return noted


def _origin(data: dict[str, Any]) -> ShownHome | None:
    return ShownHome.load(data.get("origin"))


def _dumped(shown: ShownHome | None) -> str | None:
    return shown.dump() if shown is not None else None


def _shown_page(activity: Any, data: dict[str, Any]) -> int:
    """The evidence page the clicked card shows (0 for any other card)."""
    shown = clicked_home(activity, data)
    return shown.page if shown is not None else 0


def _row_id(value: Any) -> int:
    """The evidence a button names (0 matches nothing: the flow refuses it)."""
    try:
        return max(0, int(str(value)))
    except (TypeError, ValueError):
        return 0


# --- the page, typed or asked for ------------------------------------------------------


async def handle_home(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``accueil`` / ``home``: the person's page as a new card."""
    await post_home(deps, ctx)


async def show_home(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """The welcome's button: the page as a new card below (the welcome stays)."""
    await post_home(deps, ctx)
    return toast("")


async def show_team_review(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """A manager's page, **Open the review**: the list, as ``revue`` posts it, below."""
    await post_review_list(deps, ctx)
    return toast("")


async def show_team_view(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """A manager's page, **Team view**: the team summary, as ``équipe`` posts it, below."""
    await post_team(deps, ctx)
    return toast("")


# --- the home card's buttons answered in place ------------------------------------------


async def _answered(deps: TeamsDeps, app: Any, ctx: Any, outcome: Outcome[Any], page: int) -> Any:
    """The card clicked, as it is now (the action's other effects carried out first)."""
    await carry_out(app, outcome.effects, teams_t(outcome), deps.renderer)
    return await answer_home(deps, ctx, page)


async def handle_page(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """Older or newer evidence: the card replaced by that page (the button's value)."""
    return await answer_home(deps, ctx, _row_id(data.get("value")))


async def handle_resume(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.home.resume, actor_ref(activity), ActivityDirectory(activity)
    )
    return await _answered(deps, app, ctx, outcome, _shown_page(activity, data))


async def handle_delete(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """Delete one's own evidence (confirmed on the card); gone already or someone else's,
    the card shows what there is."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.evidence.delete,
        actor_ref(activity),
        _row_id(data.get("value")),
        ActivityDirectory(activity),
    )
    return await _answered(deps, app, ctx, outcome, _shown_page(activity, data))


# --- dialogs opened from the home card ----------------------------------------------------


async def open_checkin_now(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    """This week's check-in, outside the schedule (it counts for this week)."""
    activity = ctx.activity
    shown = clicked_home(activity, data)
    outcome = await asyncio.to_thread(
        deps.flows.home.check_in_now, actor_ref(activity), ActivityDirectory(activity)
    )
    if outcome.view is None:
        return said(_refused(outcome))
    # The prompt is stored before the dialog opens, so the submission finds it; the page
    # shows it from now on (the flow's only effect: RefreshHome).
    refresh = refresher(deps, ctx, shown)
    for effect in outcome.effects:
        if isinstance(effect, RefreshHome) and refresh is not None:
            await refresh(effect.user_id)
    form = checkin_form(outcome.view, checkin_state(outcome.view.prompt_id, None), teams_t(outcome))
    return dialog(deps, form, _dumped(shown))


def _evidence_dialog(deps: TeamsDeps, form: EvidenceForm, t: Translator, origin: str | None) -> Any:
    """The evidence form (its submission: :func:`handlers.teams.evidence.submit_evidence`)."""
    return dialog(deps, form_of(form, t), origin)


async def open_log_evidence(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.evidence.form, actor_ref(activity), None, ActivityDirectory(activity)
    )
    if outcome.view is None:
        return said(_refused(outcome))
    return _evidence_dialog(
        deps, outcome.view, teams_t(outcome), _dumped(clicked_home(activity, data))
    )


async def open_evidence_edit(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    """The evidence form filled with one's own evidence; anyone else's is unknown."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.evidence.edit_form,
        actor_ref(activity),
        _row_id(data.get("value")),
        ActivityDirectory(activity),
    )
    if outcome.view is None:
        return said(_refused(outcome))
    return _evidence_dialog(
        deps, outcome.view, teams_t(outcome), _dumped(clicked_home(activity, data))
    )


async def _pause_form(deps: TeamsDeps, activity: Any) -> Outcome[Form]:
    outcome = await asyncio.to_thread(
        deps.flows.home.pause_form, actor_ref(activity), ActivityDirectory(activity)
    )
    if outcome.view is None:
        return Outcome.refused(outcome.locale, outcome.refusal or "")
    view = outcome.view
    return Outcome(outcome.locale, pause_form(view.today, view.paused_until, teams_t(outcome)))


async def open_pause(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    outcome = await _pause_form(deps, ctx.activity)
    if outcome.view is None:
        return said(_refused(outcome))
    return dialog(deps, outcome.view, _dumped(clicked_home(ctx.activity, data)))


async def _schedule_form(deps: TeamsDeps, activity: Any) -> Outcome[Form]:
    outcome = await asyncio.to_thread(
        deps.flows.home.schedule_form, actor_ref(activity), ActivityDirectory(activity)
    )
    if outcome.view is None:
        return Outcome.refused(outcome.locale, outcome.refusal or "")
    view = outcome.view
    return Outcome(outcome.locale, schedule_form(view.schedule, view.timezone, teams_t(outcome)))


async def open_schedule(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    outcome = await _schedule_form(deps, ctx.activity)
    if outcome.view is None:
        return said(_refused(outcome))
    return dialog(deps, outcome.view, _dumped(clicked_home(ctx.activity, data)))


async def open_language(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.home.language_form, actor_ref(activity), ActivityDirectory(activity)
    )
    if outcome.refusal is not None:
        return said(_refused(outcome))
    form = language_form(outcome.locale, teams_t(outcome))
    return dialog(deps, form, _dumped(clicked_home(activity, data)))


# --- the dialogs' submissions ----------------------------------------------------------------


async def _saved(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any], outcome: Any) -> None:
    """The dialog closes; the flow's effects follow, the home card it came from updated."""
    home = refresher(deps, ctx, _origin(data))
    await carry_out(app, outcome.effects, teams_t(outcome), deps.renderer, home=home)


async def submit_pause(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    activity = ctx.activity
    values = _values(data)
    try:
        until: date | None = date.fromisoformat(_text(values, actions.HOME_PAUSE_UNTIL) or "")
    except ValueError:
        until = None
    outcome = await asyncio.to_thread(
        deps.flows.home.pause, actor_ref(activity), PauseChoice(until)
    )
    if outcome.refusal is not None:
        return said(_refused(outcome))
    if outcome.problems:
        again = await _pause_form(deps, activity)
        if again.view is None:
            return said(_refused(again))
        noted = _noted(outcome.problems, PAUSE_FIELDS, teams_t(outcome))
        return dialog(deps, refilled(again.view, values, noted), data.get("origin"))
    await _saved(deps, app, ctx, data, outcome)
    return None


async def submit_schedule(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    activity = ctx.activity
    values = _values(data)
    choice = ScheduleChoice(
        weekday=chosen_weekday(_text(values, actions.HOME_WEEKDAY)),
        local_time=_text(values, actions.HOME_TIME),
    )
    outcome = await asyncio.to_thread(deps.flows.home.set_schedule, actor_ref(activity), choice)
    if outcome.refusal is not None:
        return said(_refused(outcome))
    if outcome.problems:
        again = await _schedule_form(deps, activity)
        if again.view is None:
            return said(_refused(again))
        noted = _noted(outcome.problems, SCHEDULE_FIELDS, teams_t(outcome))
        return dialog(deps, refilled(again.view, values, noted), data.get("origin"))
    await _saved(deps, app, ctx, data, outcome)
    return None


async def submit_language(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    wanted = _text(_values(data), actions.HOME_LANGUAGE_CHOICE) or ""
    outcome = await asyncio.to_thread(deps.flows.home.set_language, actor_ref(ctx.activity), wanted)
    if outcome.refusal is not None:
        return said(_refused(outcome))
    await _saved(deps, app, ctx, data, outcome)
    return None


COMMANDS = {Command.HOME: handle_home}
CARD_ACTIONS = {
    HOME_REFRESH: handle_refresh,
    actions.HOME_SHOW: show_home,
    actions.HOME_TEAM_REVIEW: show_team_review,
    actions.HOME_TEAM_VIEW: show_team_view,
    actions.HOME_RESUME: handle_resume,
    actions.HOME_EVIDENCE_DELETE: handle_delete,
    actions.HOME_EVIDENCE_OLDER: handle_page,
    actions.HOME_EVIDENCE_NEWER: handle_page,
}
DIALOGS = {
    actions.HOME_CHECKIN_NOW: open_checkin_now,
    actions.HOME_LOG_EVIDENCE: open_log_evidence,
    actions.HOME_EVIDENCE_EDIT: open_evidence_edit,
    actions.HOME_PAUSE: open_pause,
    actions.HOME_SCHEDULE: open_schedule,
    actions.HOME_LANGUAGE: open_language,
}
FORMS = {
    actions.HOME_PAUSE_FORM: submit_pause,
    actions.HOME_SCHEDULE_FORM: submit_schedule,
    actions.HOME_LANGUAGE_FORM: submit_language,
}
