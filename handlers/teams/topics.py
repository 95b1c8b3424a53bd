"""A topic for one's next 1:1 in Teams: ``1on1 topic <text>`` (``1on1 sujet …``) and the
"Add a 1:1 topic" button of the home card and of one's own brief.

The command is answered by a card in the chat: the topic stored, or why not. The button
opens a dialog (the core's form, naming the manager); its submission stores the topic
once however often Teams delivers it (the activity's id), and turns into the core's
"topic added"; a problem with the text brings the dialog back as typed, the problem
beside the field. Who the topic goes to is the flow's business
(:mod:`bot.app.one_on_one_topics`): the request names nobody.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app.one_on_one_topics import TopicForm, command_problem_key, refusal_key
from bot.domain.commands import text_after
from bot.views import actions
from bot.views.forms import refilled
from bot.views.one_on_one_topics import (
    topic_added_card,
    topic_form,
    topic_refused_card,
    topic_saved_form,
)
from handlers.teams.checkin import FORM_KEYS
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.mentions import command_text
from handlers.teams.replies import dialog, reply, said
from handlers.teams.wording import teams_t


async def handle_topic_command(deps: TeamsDeps, ctx: Any) -> None:
    """``1on1 topic <text>``: the topic stored for the next 1:1 with one's manager."""
    activity = ctx.activity
    form = TopicForm(text_after(command_text(activity), 2), f"teams-activity:{activity.id}")
    outcome = await asyncio.to_thread(
        deps.flows.topics.add, actor_ref(activity), form, ActivityDirectory(activity)
    )
    t = teams_t(outcome)
    if outcome.problems:
        card = topic_refused_card(command_problem_key(outcome.problems[0]), t)
    elif outcome.view is None:
        card = topic_refused_card(refusal_key(outcome.refusal or ""), t)
    else:
        card = topic_added_card(outcome.view, t)
    await reply(deps, ctx, card)


async def open_topic(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    """ "Add a 1:1 topic": the dialog naming the manager, or why not."""
    activity = ctx.activity
    outcome = await asyncio.to_thread(
        deps.flows.topics.form, actor_ref(activity), ActivityDirectory(activity)
    )
    t = teams_t(outcome)
    if outcome.view is None:
        return said(t.rich(refusal_key(outcome.refusal or "")).plain())
    return dialog(deps, topic_form(outcome.view, t))


async def submit_topic(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """The topic stored (once), then "topic added"; a problem with the text brings the
    dialog back as typed, the problem beside it."""
    activity = ctx.activity
    ref, flow = actor_ref(activity), deps.flows.topics
    values = {k: v for k, v in data.items() if k not in FORM_KEYS}
    text = values.get(actions.ONE_ON_ONE_TOPIC_TEXT)
    form = TopicForm(text if isinstance(text, str) else "", f"teams-activity:{activity.id}")
    outcome = await asyncio.to_thread(flow.add, ref, form)
    t = teams_t(outcome)
    if outcome.problems:
        again = await asyncio.to_thread(flow.form, ref)
        if again.view is not None:
            noted = {actions.ONE_ON_ONE_TOPIC_TEXT: t.rich(outcome.problems[0].key)}
            return dialog(deps, refilled(topic_form(again.view, t), values, noted))
        return said(t.rich(refusal_key(again.refusal or "")).plain())
    if outcome.view is None:
        return said(t.rich(refusal_key(outcome.refusal or "")).plain())
    # Stored now, or by the first delivery of this same submission: the same answer.
    return dialog(deps, topic_saved_form(outcome.view, t))


DIALOGS = {actions.ONE_ON_ONE_TOPIC: open_topic}
FORMS = {actions.ONE_ON_ONE_TOPIC_FORM: submit_topic}
