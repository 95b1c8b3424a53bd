"""Teams' activities, registered by kind, each handed to a flow of the core.

A listener reads the activity (who acts, what they typed or clicked, the form they
filled in), calls a flow in a worker thread (the core is synchronous), renders what the
flow answers as Adaptive Cards, and carries out its effects. It words nothing itself.

- Installation: Palier learns the person's conversation and welcomes them.
- A message: a command (:mod:`bot.domain.commands`), as typed after ``/palier`` in Slack.
- ``Action.Execute`` on a card: the card's new state is the answer (Skip, Later).
- A dialog: opened by a button that needs a form (Start), submitted with its inputs;
  problems show the form again, filled in, with what to fix beside each field.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from typing import Any

from pydantic import ValidationError

from bot.app.checkin import CheckinAnswers, PromptAction
from bot.domain.commands import Command, parse
from bot.domain.submissions import CheckinSubmission
from bot.i18n import Translator
from bot.views import actions
from bot.views.cards import Card
from bot.views.checkin import checkin_form, problem_field, read_submission, refusal
from bot.views.forms import refilled
from bot.views.notice import notice_card
from bot.views.notice import refusal as general_refusal
from bot.views.summary import help_card, summary_card
from bot.views.welcome import welcome_card
from handlers.teams.context import (
    ActivityDirectory,
    TeamsDeps,
    actor_ref,
    conversation_of,
    profile_of,
)
from handlers.teams.effects import answered_card, card_message, carry_out
from handlers.teams.refs import MessageRef
from handlers.teams.render import CARD_CONTENT_TYPE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.models.adaptive_card import (
        AdaptiveCardActionCardResponse,
        AdaptiveCardActionMessageResponse,
    )
    from microsoft_teams.api.models.attachment import Attachment
    from microsoft_teams.api.models.task_module import (
        CardTaskModuleTaskInfo,
        TaskModuleContinueResponse,
        TaskModuleMessageResponse,
        TaskModuleResponse,
    )
    from microsoft_teams.apps import App
    from microsoft_teams.cards import AdaptiveCard

log = logging.getLogger(__name__)

# The buttons that open a form (a dialog) rather than act at once.
DIALOG_ACTIONS = frozenset({actions.START_CHECKIN})
FORM_KEYS = frozenset({"form", "state", "action", "value", "key", "msteams"})


def _clicked(activity: Any) -> str | None:
    """The message a card action or a dialog came from (``replyToId``)."""
    reply_to = getattr(activity, "reply_to_id", None)
    return MessageRef(conversation_of(activity), str(reply_to)).dump() if reply_to else None


def _dialog(card: dict[str, Any], title: str) -> TaskModuleResponse:
    info = CardTaskModuleTaskInfo(
        title=title, card=Attachment(content_type=CARD_CONTENT_TYPE, content=card)
    )
    return TaskModuleResponse(task=TaskModuleContinueResponse(value=info))


def _said(text: str) -> TaskModuleResponse:
    return TaskModuleResponse(task=TaskModuleMessageResponse(value=text))


# -- installation -------------------------------------------------------------------------


async def handle_install(deps: TeamsDeps, ctx: Any) -> None:
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.enrolment.conversation_opened,
        actor_ref(activity),
        conversation_of(activity).dump(),
        profile_of(activity),
    )
    welcome = outcome.view
    title = welcome.referentiel_title if welcome is not None else None
    await ctx.send(card_message(welcome_card(title, outcome.t), deps.renderer))


# -- messages -----------------------------------------------------------------------------


async def _reply(deps: TeamsDeps, ctx: Any, card: Card) -> None:
    await ctx.send(card_message(card, deps.renderer))


async def handle_message(deps: TeamsDeps, ctx: Any) -> None:
    activity = ctx.activity
    if getattr(activity, "value", None) is not None:
        return  # an Action.Submit of an old card: Palier's cards act through invokes
    ref, directory = actor_ref(activity), ActivityDirectory(activity)
    parsed = parse(activity.text or "")
    flows = deps.flows
    if parsed.command is Command.ME:
        outcome = await asyncio.to_thread(flows.summary.me, ref, directory)
        if outcome.view is None:
            await _reply(deps, ctx, notice_card(general_refusal(outcome.refusal, outcome.t)))
            return
        await _reply(deps, ctx, summary_card(outcome.view, outcome.t))
        return
    locale = (await asyncio.to_thread(flows.summary.help, ref, directory)).t
    unknown = parsed.text if parsed.command is Command.UNKNOWN else None
    await _reply(deps, ctx, help_card(locale, unknown))


# -- card actions (Action.Execute) --------------------------------------------------------


async def handle_card_action(deps: TeamsDeps, app: App, ctx: Any) -> Any:
    activity = ctx.activity
    data = dict(activity.value.action.data or {})
    name = data.get("action")
    try:
        prompt_id = int(data.get("value", ""))
    except ValueError:
        prompt_id = -1
    clicked = _clicked(activity)
    action = PromptAction(prompt_id, clicked)
    ref = actor_ref(activity)
    if name == actions.SKIP_CHECKIN:
        outcome = await asyncio.to_thread(deps.flows.checkin.skip, ref, action)
    elif name == actions.SNOOZE_CHECKIN:
        outcome = await asyncio.to_thread(deps.flows.checkin.snooze, ref, action)
    else:
        return AdaptiveCardActionMessageResponse(value="")
    t = outcome.t
    if outcome.refusal is not None:
        return AdaptiveCardActionMessageResponse(value=refusal(outcome.refusal, t).plain())
    await carry_out(app, outcome.effects, t, deps.renderer, answered=clicked)
    card = answered_card(outcome.effects, clicked, t) if clicked else None
    if card is None:
        return AdaptiveCardActionMessageResponse(value="")
    rendered = AdaptiveCard.model_validate(deps.renderer.card(card))
    return AdaptiveCardActionCardResponse(value=rendered)


# -- dialogs (task modules) ---------------------------------------------------------------


async def handle_dialog_open(deps: TeamsDeps, ctx: Any) -> TaskModuleResponse:
    activity = ctx.activity
    data = dict(activity.value.data or {}) if activity.value else {}
    if data.get("action") != actions.START_CHECKIN:
        return _said("")
    try:
        prompt_id = int(data.get("value", ""))
    except ValueError:
        prompt_id = -1
    clicked = _clicked(activity)
    ref = actor_ref(activity)
    outcome = await asyncio.to_thread(
        deps.flows.checkin.start, ref, PromptAction(prompt_id, clicked), ActivityDirectory(activity)
    )
    if outcome.view is None:
        return _said(refusal(outcome.refusal, outcome.t).plain())
    state = json.dumps({"prompt_id": prompt_id, "clicked": clicked})
    form = checkin_form(outcome.view, state, outcome.t)
    dialog = deps.renderer.dialog(form)
    return _dialog(dialog["card"], dialog["title"])


def _answers(values: dict[str, Any], state: dict[str, Any], key: str) -> CheckinAnswers:
    try:
        submission: CheckinSubmission | None = read_submission(values)
    except ValidationError:
        submission = None
    prompt_id = state.get("prompt_id")
    return CheckinAnswers(
        prompt_id=prompt_id if isinstance(prompt_id, int) else None,
        submission=submission,
        idempotency_key=key,
        clicked=state.get("clicked"),
    )


async def handle_dialog_submit(deps: TeamsDeps, app: App, ctx: Any) -> TaskModuleResponse | None:
    activity = ctx.activity
    data = dict(activity.value.data or {}) if activity.value else {}
    if data.get("form") != actions.CHECKIN_FORM:
        return _said("")
    try:
        state = json.loads(str(data.get("state") or "{}"))
    except ValueError:
        state = {}
    state = state if isinstance(state, dict) else {}
    values = {k: v for k, v in data.items() if k not in FORM_KEYS}
    ref = actor_ref(activity)
    # One submission, however often Teams delivers it: keyed by the activity's id.
    answers = _answers(values, state, f"teams-activity:{activity.id}")
    outcome = await asyncio.to_thread(deps.flows.checkin.submit, ref, answers)
    t = outcome.t
    if outcome.refusal is not None:
        return _said(refusal(outcome.refusal, t).plain())
    if outcome.problems:
        return await _again(deps, ref, answers, values, outcome.problems, t, activity)
    await carry_out(app, outcome.effects, t, deps.renderer)
    return None  # the dialog closes; the prompt says "done" and the summary follows


async def _again(
    deps: TeamsDeps,
    ref: Any,
    answers: CheckinAnswers,
    values: dict[str, Any],
    problems: Any,
    t: Translator,
    activity: Any,
) -> TaskModuleResponse:
    """The form again, as it was filled in, each problem beside its field."""
    action = PromptAction(answers.prompt_id or -1, answers.clicked)
    start = await asyncio.to_thread(
        deps.flows.checkin.start, ref, action, ActivityDirectory(activity)
    )
    if start.view is None:
        return _said(refusal(start.refusal, t).plain())
    state = json.dumps({"prompt_id": answers.prompt_id, "clicked": answers.clicked})
    noted = {
        problem_field(problem.item, problem.field): t.rich(problem.key) for problem in problems
    }
    form = refilled(checkin_form(start.view, state, t), values, noted)
    dialog = deps.renderer.dialog(form)
    return _dialog(dialog["card"], dialog["title"])


def register(app: App, deps: TeamsDeps) -> None:
    """Every listener of the Teams front end, by kind."""

    @app.on_install_add
    async def on_install(ctx: Any) -> None:
        await handle_install(deps, ctx)

    @app.on_message
    async def on_message(ctx: Any) -> None:
        await handle_message(deps, ctx)

    @app.on_card_action_execute
    async def on_card_action(ctx: Any) -> Any:
        return await handle_card_action(deps, app, ctx)

    @app.on_dialog_open
    async def on_dialog_open(ctx: Any) -> TaskModuleResponse:
        return await handle_dialog_open(deps, ctx)

    @app.on_dialog_submit
    async def on_dialog_submit(ctx: Any) -> Any:  # None closes the dialog
        return await handle_dialog_submit(deps, app, ctx)
