"""The 1:1 brief in Teams: ``1on1`` and its buttons.

Grammar (French words accepted too)::

    1on1                                       one's own prep (the topics to raise)
    1on1 @person                               the brief about a report
    1on1 @person schedule <day> <HH:MM>        (horaire) the brief an hour before each 1:1
    1on1 @person schedule off                  (horaire off|stop|aucun)
    1on1 topic <text>                          (sujet) a topic for one's next 1:1

``@person`` is a Teams @mention (:mod:`handlers.teams.mentions`). Every answer is a card
in the chat; the recurring brief arrives there too (the tick, through the messenger).
On the brief, "1:1 done" (confirmed on the card first) is an ``Action.Execute``,
answered by a card saying what was recorded; "Add a note" opens the private-note dialog,
which turns into the core's "note saved" once stored. Who may see or do what is the 1:1
flow's decision (:mod:`bot.app.one_on_one`), for a click as for the command: a
button's value is only a claim.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app.one_on_one import BriefRequest, DoneClick, NoteForm, ScheduleRequest, refusal_key
from bot.app.outcome import Outcome
from bot.domain.commands import OFF_WORDS, SCHEDULE_WORDS, Command, Parsed, is_topic
from bot.views import actions
from bot.views.cards import Card
from bot.views.forms import refilled
from bot.views.one_on_one import DoneValue, brief_card
from bot.views.one_on_one_answers import (
    note_form,
    note_saved_form,
    recorded_card,
    refused_card,
    schedule_set_card,
    schedule_stopped_card,
)
from handlers.teams.checkin import FORM_KEYS
from handlers.teams.context import ActivityDirectory, TeamsDeps, actor_ref
from handlers.teams.mentions import Mentioned, Word, user_id_of, words
from handlers.teams.replies import dialog, reply, said, toast
from handlers.teams.review import row_id
from handlers.teams.topics import handle_topic_command
from handlers.teams.wording import teams_t


def _refused(outcome: Outcome[Any]) -> Card | None:
    """The refusal as a card, if the flow refused."""
    if outcome.refusal is None:
        return None
    return refused_card(refusal_key(outcome.refusal), teams_t(outcome))


def _word(word: Word) -> str:
    return word if isinstance(word, str) else ""  # a mention where a word should be


async def handle_one_on_one(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    """``1on1 [@person [schedule <day> <HH:MM> | schedule off]]``."""
    activity = ctx.activity
    ref, directory = actor_ref(activity), ActivityDirectory(activity)
    flow = deps.flows.one_on_one
    args = words(activity)[1:]
    if is_topic(parsed):
        await handle_topic_command(deps, ctx)
        return
    person = args[0] if args else None
    if (person is not None and not isinstance(person, Mentioned)) or (
        len(args) > 1 and _word(args[1]).lower() not in SCHEDULE_WORDS
    ):
        usage = await asyncio.to_thread(flow.usage, ref, directory)
        await reply(deps, ctx, refused_card(refusal_key(usage.refusal or ""), teams_t(usage)))
        return
    target = await user_id_of(ctx, person) if isinstance(person, Mentioned) else None
    if target is not None and len(args) > 1:
        await reply(deps, ctx, await _schedule(deps, ctx, target, [_word(w) for w in args[2:]]))
        return
    outcome = await asyncio.to_thread(flow.brief, ref, BriefRequest(target), directory)
    refused = _refused(outcome)
    if refused is not None or outcome.view is None:
        await reply(
            deps, ctx, refused or refused_card(refusal_key("unavailable"), teams_t(outcome))
        )
        return
    await reply(deps, ctx, brief_card(outcome.view.brief, outcome.view.timezone, teams_t(outcome)))


async def _schedule(deps: TeamsDeps, ctx: Any, target: str, rest: list[str]) -> Card:
    """``schedule <day> <HH:MM>`` or ``schedule off``: what the manager is answered."""
    activity = ctx.activity
    ref, directory = actor_ref(activity), ActivityDirectory(activity)
    flow = deps.flows.one_on_one
    if len(rest) == 1 and rest[0].lower() in OFF_WORDS:
        stopped = await asyncio.to_thread(flow.stop_schedule, ref, target, directory)
        if stopped.view is None:
            return _refused(stopped) or refused_card(refusal_key("unavailable"), teams_t(stopped))
        return schedule_stopped_card(stopped.view.report, stopped.view.existed, teams_t(stopped))
    day, at = (rest[0], " ".join(rest[1:])) if len(rest) >= 2 else ("", "")  # "9 h 30"
    outcome = await asyncio.to_thread(
        flow.schedule, ref, ScheduleRequest(target, day, at), directory
    )
    if outcome.view is None:
        return _refused(outcome) or refused_card(refusal_key("unavailable"), teams_t(outcome))
    return schedule_set_card(outcome.view.report, outcome.view.schedule, teams_t(outcome))


# -- the brief's buttons and the note dialog ----------------------------------------------


async def handle_done(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """ "1:1 done" (confirmed on the card): recorded, the topics shown discussed; the
    answer comes as a card in the chat, the brief left as it was."""
    value = data.get("value")
    done = DoneValue.load(value if isinstance(value, str) else None)
    click = DoneClick(done.report_id, done.shown_at, done.last_seen_id) if done else None
    outcome = await asyncio.to_thread(deps.flows.one_on_one.done, actor_ref(ctx.activity), click)
    refused = _refused(outcome)
    if refused is not None or outcome.view is None:
        await reply(
            deps, ctx, refused or refused_card(refusal_key("unavailable"), teams_t(outcome))
        )
    else:
        recorded = outcome.view
        await reply(
            deps, ctx, recorded_card(recorded.recorded, recorded.timezone, teams_t(outcome))
        )
    return toast("")


async def open_note(deps: TeamsDeps, ctx: Any, data: dict[str, Any]) -> Any:
    """ "Add a note": the private-note dialog, for the report's manager only."""
    outcome = await asyncio.to_thread(
        deps.flows.one_on_one.open_note, actor_ref(ctx.activity), row_id(data.get("value"))
    )
    refused = _refused(outcome)
    if refused is not None or outcome.view is None:
        return said(
            (refused or refused_card(refusal_key("unavailable"), teams_t(outcome))).fallback.plain()
        )
    return dialog(deps, note_form(outcome.view, teams_t(outcome)))


async def submit_note(deps: TeamsDeps, app: Any, ctx: Any, data: dict[str, Any]) -> Any:
    """The note stored (once, however often Teams delivers it), then "note saved"; a
    problem with the text brings the form back as typed, the problem beside it."""
    activity = ctx.activity
    ref = actor_ref(activity)
    values = {k: v for k, v in data.items() if k not in FORM_KEYS}
    text = values.get(actions.ONE_ON_ONE_NOTE_TEXT)
    report_id = row_id(data.get("state"))
    form = NoteForm(
        report_id,
        text if isinstance(text, str) else "",
        idempotency_key=f"teams-activity:{activity.id}",
    )
    flow = deps.flows.one_on_one
    outcome = await asyncio.to_thread(flow.save_note, ref, form)
    t = teams_t(outcome)
    if outcome.problems:
        again = await asyncio.to_thread(flow.open_note, ref, report_id)
        if again.view is not None:
            noted = {actions.ONE_ON_ONE_NOTE_TEXT: t.rich(outcome.problems[0].key)}
            return dialog(deps, refilled(note_form(again.view, t), values, noted))
        refused = _refused(again)
    else:
        refused = _refused(outcome)
    if refused is not None:
        return said(refused.fallback.plain())
    # Stored now, or by the first delivery of this same submission: the same answer.
    return dialog(deps, note_saved_form(t))


COMMANDS = {Command.ONE_ON_ONE: handle_one_on_one}
CARD_ACTIONS = {actions.ONE_ON_ONE_DONE: handle_done}
DIALOGS = {actions.ONE_ON_ONE_NOTE: open_note}
FORMS = {actions.ONE_ON_ONE_NOTE_FORM: submit_note}
