"""The App Home (Slack's Home tab): published on ``app_home_opened``, and its buttons and modals.

The Home shows the viewer's own data only: every read and change goes through the
Home and evidence flows (:mod:`bot.app.home`, :mod:`bot.app.evidence`) as the person
who clicked, and is published to that same person (``views.publish`` with their user
id). It is published again after each change it shows — a check-in, evidence logged,
edited or deleted, and every action of its own — when a flow's
:class:`~bot.app.outcome.RefreshHome` effect is carried out (:func:`home_publisher`,
:func:`publish_home`). The listeners here only parse, call, render and carry out.

Each listener acknowledges first (a modal's submission once its answer is known,
so a problem goes back inline) and hands the rest to ``later``
(:mod:`handlers.slack.workers`); a modal is opened with the click's ``trigger_id``. A Home button that cannot be carried out (a check-in already
done, someone else's evidence) answers with a small modal: a Home has no
``response_url`` for an ephemeral reply.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.app.home import PauseChoice, ScheduleChoice, refusal_key
from bot.app.outcome import Outcome
from bot.views.home import HomeState, chosen_weekday
from handlers.slack import home_team, ids
from handlers.slack.builders.checkin_builder import CheckinMetadata, checkin_modal
from handlers.slack.builders.evidence_builder import form_modal
from handlers.slack.builders.home_builder import (
    language_modal,
    notice_modal,
    page_view,
    pause_modal,
    schedule_modal,
)
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.effects import HomePublisher, carry_out
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions, StateValue, ViewSubmission, row_id
from handlers.slack.progress_commands import handle_chart_click
from handlers.slack.workers import Later

log = logging.getLogger(__name__)


def publish_home(deps: SlackDeps, client: WebClient, actor: Actor, page: int = 0) -> bool:
    """Publish the actor's own Home (evidence page ``page``); False when it failed.

    Never raises: it runs after submissions that are already stored, and a Home
    that could not be refreshed must not turn them into errors. A failure is
    logged; the Home is published again the next time the person opens it.
    """
    try:
        outcome = deps.flows.home.page(actor.ref, page, SlackDirectory(client))
        client.views_publish(user_id=actor.user_id, view=page_view(outcome.view, slack_t(outcome)))
    except Exception:
        log.exception("could not publish the Home of %s", actor.user_id)
        return False
    return True


def home_publisher(deps: SlackDeps, team_id: str, page: int = 0) -> HomePublisher:
    """What carries out a RefreshHome effect in workspace ``team_id``: the Home published
    again, showing the evidence page ``page`` (the one the person was looking at)."""

    def publish(client: WebClient, user_id: str) -> bool:
        return publish_home(deps, client, Actor(team_id=team_id, user_id=user_id), page)

    return publish


# --- helpers -------------------------------------------------------------------------


def _shown_page(click: BlockActions) -> int:
    """The evidence page the clicked Home showed (a forged click has no view: page 0)."""
    return HomeState.load(click.view.private_metadata if click.view else None).page


def _refuse(client: WebClient, click: BlockActions, outcome: Outcome[Any]) -> None:
    """A Home has no response_url: a refusal is a small modal."""
    t = slack_t(outcome)
    text = t.rich(refusal_key(outcome.refusal or ""))
    client.views_open(trigger_id=click.trigger_id, view=notice_modal(text, t))


def _carry_out(
    deps: SlackDeps, client: WebClient, actor: Actor, outcome: Outcome[Any], page: int = 0
) -> None:
    carry_out(client, outcome.effects, slack_t(outcome), home_publisher(deps, actor.team_id, page))


def _state(submission: ViewSubmission, block: str, action: str) -> StateValue | None:
    return (submission.view.state.values.get(block) or {}).get(action)


def _errors(ack: Ack, outcome: Outcome[Any], fields: dict[str, str], fallback: str) -> bool:
    """Acknowledge with the outcome's problems (or refusal) beside their fields, if any."""
    if outcome.ok:
        return False
    t = slack_t(outcome)
    errors: dict[str, str] = {}
    for problem in outcome.problems:
        errors.setdefault(fields.get(problem.field, fallback), t(problem.key))
    if outcome.refusal is not None:
        errors[fallback] = t(refusal_key(outcome.refusal))
    ack(response_action="errors", errors=errors)
    return True


# --- app_home_opened -----------------------------------------------------------------


def handle_home_opened(
    deps: SlackDeps, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    """The person opened the Home tab (the Messages tab sends the same event: ignored)."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    actor = Actor(team_id=str(body.get("team_id") or ""), user_id=str(event["user"]))
    publish_home(deps, client, actor)


# --- the Home's buttons ----------------------------------------------------------------


def handle_checkin_now(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """Open this week's check-in outside the schedule (it counts for this week)."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.home.check_in_now(actor.ref, SlackDirectory(client))
    # The prompt is committed before the modal opens, so the submission finds it.
    if outcome.view is None:
        _refuse(client, click, outcome)
        return
    view = checkin_modal(outcome.view, CheckinMetadata(outcome.view.prompt_id), slack_t(outcome))
    client.views_open(trigger_id=click.trigger_id, view=view)
    _carry_out(deps, client, actor, outcome, _shown_page(click))


def handle_log_evidence(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """The evidence modal, as ``/palier log`` opens it."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.evidence.form(actor.ref, directory=SlackDirectory(client))
    if outcome.view is None:
        _refuse(client, click, outcome)
        return
    client.views_open(trigger_id=click.trigger_id, view=form_modal(outcome.view, slack_t(outcome)))


def handle_pause_open(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.home.pause_form(actor.ref, SlackDirectory(client))
    if outcome.view is None:
        _refuse(client, click, outcome)
        return
    view = pause_modal(outcome.view.today, outcome.view.paused_until, slack_t(outcome))
    client.views_open(trigger_id=click.trigger_id, view=view)


def handle_resume(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.home.resume(actor.ref, SlackDirectory(client))
    if outcome.refusal is not None:
        _refuse(client, click, outcome)
        return
    _carry_out(deps, client, actor, outcome, _shown_page(click))


def handle_schedule_open(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.home.schedule_form(actor.ref, SlackDirectory(client))
    if outcome.view is None:
        _refuse(client, click, outcome)
        return
    view = schedule_modal(outcome.view.schedule, outcome.view.timezone, slack_t(outcome))
    client.views_open(trigger_id=click.trigger_id, view=view)


def handle_language_open(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.home.language_form(actor.ref, SlackDirectory(client))
    if outcome.refusal is not None:
        _refuse(client, click, outcome)
        return
    view = language_modal(outcome.locale, slack_t(outcome))
    client.views_open(trigger_id=click.trigger_id, view=view)


def _evidence_id(click: BlockActions) -> int:
    """The clicked evidence (the edge checked it is a row id; 0 matches nothing)."""
    return row_id(click.actions[0].value) or 0


def handle_evidence_edit(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """The evidence modal filled with one's own evidence; its submission updates it."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.evidence.edit_form(actor.ref, _evidence_id(click), SlackDirectory(client))
    if outcome.view is None:
        _refuse(client, click, outcome)
        return
    client.views_open(trigger_id=click.trigger_id, view=form_modal(outcome.view, slack_t(outcome)))


def handle_evidence_delete(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """Delete one's own evidence (the button asked for confirmation), then refresh."""
    actor, click = Actor.from_body(body), BlockActions.model_validate(body)
    outcome = deps.flows.evidence.delete(actor.ref, _evidence_id(click), SlackDirectory(client))
    if outcome.refusal is not None:  # gone already, or someone else's: answered alike
        _refuse(client, click, outcome)
    _carry_out(deps, client, actor, outcome, _shown_page(click))


def handle_evidence_page(deps: SlackDeps, body: dict[str, Any], client: WebClient) -> None:
    """Older or newer evidence: the page to show is the button's value."""
    click = BlockActions.model_validate(body)
    try:
        page = max(0, int(click.actions[0].value or ""))
    except ValueError:
        page = 0
    publish_home(deps, client, Actor.from_body(body), page)


# --- the modals' submissions -------------------------------------------------------------


def handle_pause_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient, later: Later
) -> None:
    """Pause until the chosen day; a day past or more than a year ahead is refused inline."""
    actor, submission = Actor.from_body(body), ViewSubmission.model_validate(body)
    chosen = _state(submission, ids.HOME_PAUSE_BLOCK, ids.HOME_PAUSE_ACTION)
    try:
        until: date | None = date.fromisoformat(str(chosen.selected_date if chosen else None))
    except ValueError:
        until = None
    outcome = deps.flows.home.pause(actor.ref, PauseChoice(until))
    if _errors(ack, outcome, {}, ids.HOME_PAUSE_BLOCK):
        return
    ack()
    later(lambda: _carry_out(deps, client, actor, outcome))


def handle_schedule_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient, later: Later
) -> None:
    """One's own check-in day and time; a prompt not sent yet follows the new slot."""
    actor, submission = Actor.from_body(body), ViewSubmission.model_validate(body)
    option = _state(submission, ids.HOME_WEEKDAY_BLOCK, ids.HOME_WEEKDAY_ACTION)
    weekday = option.selected_option.value if option and option.selected_option else None
    chosen = _state(submission, ids.HOME_TIME_BLOCK, ids.HOME_TIME_ACTION)
    choice = ScheduleChoice(
        weekday=chosen_weekday(weekday),
        local_time=chosen.selected_time if chosen else None,
    )
    outcome = deps.flows.home.set_schedule(actor.ref, choice)
    fields = {"weekday": ids.HOME_WEEKDAY_BLOCK, "time": ids.HOME_TIME_BLOCK}
    if _errors(ack, outcome, fields, ids.HOME_WEEKDAY_BLOCK):
        return
    ack()
    later(lambda: _carry_out(deps, client, actor, outcome))


def handle_language_submission(
    deps: SlackDeps, ack: Ack, body: dict[str, Any], client: WebClient, later: Later
) -> None:
    """The language Palier writes in from now on; the Home re-renders in it."""
    actor, submission = Actor.from_body(body), ViewSubmission.model_validate(body)
    option = _state(submission, ids.HOME_LANGUAGE_BLOCK, ids.HOME_LANGUAGE_ACTION)
    wanted = option.selected_option.value if option and option.selected_option else ""
    outcome = deps.flows.home.set_language(actor.ref, wanted)
    if _errors(ack, outcome, {}, ids.HOME_LANGUAGE_BLOCK):
        return
    ack()
    later(lambda: _carry_out(deps, client, actor, outcome))


# --- wiring -------------------------------------------------------------------------------


Click = Callable[[SlackDeps, dict[str, Any], WebClient], None]
Submit = Callable[[SlackDeps, Ack, dict[str, Any], WebClient, Later], None]
Listener = Callable[[Ack, dict[str, Any], WebClient, Later], None]


def _suffixed(prefix: str) -> re.Pattern[str]:
    """Action ids ``prefix:<evidence id>`` (one per piece of evidence on the Home)."""
    return re.compile(rf"^{re.escape(prefix)}:[0-9]+$")


def _on_click(deps: SlackDeps, handler: Click) -> Listener:
    # Bolt passes listener arguments by name, so each listener is its own closure.
    def click(ack: Ack, body: dict[str, Any], client: WebClient, later: Later) -> None:
        ack()
        later(lambda: handler(deps, body, client))

    click.__name__ = handler.__name__
    return click


def _on_submit(deps: SlackDeps, submit: Submit) -> Listener:
    def submission(ack: Ack, body: dict[str, Any], client: WebClient, later: Later) -> None:
        submit(deps, ack, body, client, later)  # acknowledges once the answer is known

    submission.__name__ = submit.__name__
    return submission


def register(app: App, deps: SlackDeps) -> None:
    @app.event("app_home_opened")
    def home_opened(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, later: Later
    ) -> None:
        later(lambda: handle_home_opened(deps, body, event, client))

    clicks: dict[str | re.Pattern[str], Click] = {
        ids.HOME_CHECKIN_NOW: handle_checkin_now,
        ids.HOME_LOG_EVIDENCE: handle_log_evidence,
        ids.HOME_PAUSE: handle_pause_open,
        ids.HOME_RESUME: handle_resume,
        ids.HOME_SCHEDULE: handle_schedule_open,
        ids.HOME_LANGUAGE: handle_language_open,
        ids.PROGRESS_CHART: handle_chart_click,
        ids.HOME_EVIDENCE_OLDER: handle_evidence_page,
        ids.HOME_EVIDENCE_NEWER: handle_evidence_page,
        _suffixed(ids.HOME_EVIDENCE_EDIT): handle_evidence_edit,
        _suffixed(ids.HOME_EVIDENCE_DELETE): handle_evidence_delete,
        ids.HOME_TEAM_REVIEW: home_team.handle_team_review,
        ids.HOME_TEAM_VIEW: home_team.handle_team_view,
    }
    for action_id, handler in clicks.items():
        app.action(action_id)(_on_click(deps, handler))
    submissions: dict[str, Submit] = {
        ids.HOME_PAUSE_VIEW: handle_pause_submission,
        ids.HOME_SCHEDULE_VIEW: handle_schedule_submission,
        ids.HOME_LANGUAGE_VIEW: handle_language_submission,
    }
    for callback_id, submit in submissions.items():
        app.view(callback_id)(_on_submit(deps, submit))
