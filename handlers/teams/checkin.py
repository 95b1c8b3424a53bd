"""The weekly check-in in Teams: the prompt's buttons and the check-in dialog, and the
summary's Edit my check-in (the same dialog, filled in as submitted).

Start opens the dialog (``task/fetch``) with the core's form; Skip (confirmed on the card
first) and the snooze choices (each a button whose ``key`` names it) are
``Action.Execute``, answered by the prompt's new card. The dialog's
submission is keyed by its activity's id, so one delivered twice is stored once; problems
bring the form back as it was filled in, each beside its field.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from bot.app.actor import ActorRef
from bot.app.checkin import CheckinAnswers, PromptAction
from bot.app.outcome import Outcome
from bot.domain.checkin import CheckinForm
from bot.domain.submissions import CheckinSubmission
from bot.views import actions
from bot.views.checkin import checkin_form, problem_field, read_submission, refusal
from bot.views.forms import refilled
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref, conversation_of
from handlers.teams.effects import answered_card, carry_out
from handlers.teams.home_card import ShownHome, refresher
from handlers.teams.refs import MessageRef
from handlers.teams.replies import dialog, new_card, said, toast
from handlers.teams.wording import teams_t

# The names a submitted dialog's data carries beside the form's own fields.
FORM_KEYS = frozenset({"form", "state", "origin", "action", "value", "key", "msteams"})


def clicked_message(activity: Any) -> str | None:
    """The message a card action or a dialog came from (``replyToId``)."""
    reply_to = getattr(activity, "reply_to_id", None)
    return MessageRef(conversation_of(activity), str(reply_to)).dump() if reply_to else None


def _prompt_id(data: dict[str, Any]) -> int:
    try:
        return int(data.get("value", ""))
    except (TypeError, ValueError):
        return -1  # the flow refuses a prompt that is not the person's


def checkin_state(prompt_id: int | None, clicked: str | None) -> str:
    """What the check-in dialog carries back: its prompt, and the prompt's message clicked."""
    return json.dumps({"prompt_id": prompt_id, "clicked": clicked})


async def handle_prompt_action(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """Skip or Later: every message of the prompt shows its new state."""
    activity = ctx.activity
    clicked = clicked_message(activity)
    key = data.get("key")  # Later: the snooze choice the button carries
    choice = str(key) if data["action"] == actions.SNOOZE_CHECKIN and key is not None else None
    action = PromptAction(_prompt_id(data), clicked, choice)
    act = (
        deps.flows.checkin.skip
        if data["action"] == actions.SKIP_CHECKIN
        else deps.flows.checkin.snooze
    )
    outcome = await asyncio.to_thread(act, actor_ref(activity), action)
    t = teams_t(outcome)
    if outcome.refusal is not None:
        return toast(refusal(outcome.refusal, t).plain())
    await carry_out(app, outcome.effects, t, deps.renderer, answered=clicked)
    card = answered_card(outcome.effects, clicked, t) if clicked else None
    return new_card(deps, card) if card is not None else toast("")


async def open_checkin(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    """Start: the week's check-in form."""
    return await _open(deps, ctx, data, deps.flows.checkin.start)


async def open_edit(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    """The summary's Edit my check-in: the form filled in as submitted, while the week is
    open (refused after); submitted, it replaces the week's and the summary follows."""
    return await _open(deps, ctx, data, deps.flows.checkin.edit)


async def _open(
    deps: TeamsDeps,
    ctx: Any,
    data: dict[str, Any],
    opener: Callable[[ActorRef, PromptAction, ActivityDirectory], Outcome[CheckinForm]],
) -> Any:
    activity = ctx.activity
    clicked = clicked_message(activity)
    prompt_id = _prompt_id(data)
    outcome = await asyncio.to_thread(
        opener,
        actor_ref(activity),
        PromptAction(prompt_id, clicked),
        ActivityDirectory(activity),
    )
    if outcome.view is None:
        return said(refusal(outcome.refusal, teams_t(outcome), outcome.closed).plain())
    return dialog(
        deps, checkin_form(outcome.view, checkin_state(prompt_id, clicked), teams_t(outcome))
    )


def _answers(values: dict[str, Any], state: dict[str, Any], key: str) -> CheckinAnswers:
    try:
        submission: CheckinSubmission | None = read_submission(values)
    except ValidationError:
        submission = None
    prompt_id = state.get("prompt_id")
    clicked = state.get("clicked")
    return CheckinAnswers(
        prompt_id=prompt_id if isinstance(prompt_id, int) else None,
        submission=submission,
        idempotency_key=key,
        clicked=clicked if isinstance(clicked, str) else None,
    )


def form_state(data: dict[str, Any]) -> dict[str, Any]:
    try:
        state = json.loads(str(data.get("state") or "{}"))
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


async def submit_checkin(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    activity = ctx.activity
    values = {k: v for k, v in data.items() if k not in FORM_KEYS}
    ref = actor_ref(activity)
    # One submission, however often Teams delivers it: keyed by the activity's id.
    answers = _answers(values, form_state(data), f"teams-activity:{activity.id}")
    outcome = await asyncio.to_thread(deps.flows.checkin.submit, ref, answers)
    t = teams_t(outcome)
    if outcome.refusal is not None:
        return said(refusal(outcome.refusal, t, outcome.closed).plain())
    if outcome.problems:
        start = await asyncio.to_thread(  # an edit's form, or the first one's
            deps.flows.checkin.edit,
            ref,
            PromptAction(answers.prompt_id or -1, answers.clicked),
            ActivityDirectory(activity),
        )
        if start.view is None:
            return said(refusal(start.refusal, t, start.closed).plain())
        noted = {problem_field(p.item, p.field): t.rich(p.key) for p in outcome.problems}
        form = checkin_form(start.view, checkin_state(answers.prompt_id, answers.clicked), t)
        return dialog(deps, refilled(form, values, noted), data.get("origin"))
    # Opened from the home card (Check in now), the dialog carries it back: updated too.
    home = refresher(deps, ctx, ShownHome.load(data.get("origin")))
    await carry_out(app, outcome.effects, t, deps.renderer, home=home)
    return None  # the dialog closes; the prompt says "done" and the summary follows


CARD_ACTIONS = {
    actions.SKIP_CHECKIN: handle_prompt_action,
    actions.SNOOZE_CHECKIN: handle_prompt_action,
}
DIALOGS = {actions.START_CHECKIN: open_checkin, actions.EDIT_CHECKIN: open_edit}
FORMS = {actions.CHECKIN_FORM: submit_checkin}
