"""``/palier 1on1 …``: the 1:1 brief, "1:1 done", private notes and recurring 1:1s.

Grammar (French words accepted too)::

    /palier 1on1                                     one's own prep
    /palier 1on1 @member                             the brief about a report
    /palier 1on1 @member schedule <day> <HH:MM>      (horaire) the brief an hour before
    /palier 1on1 @member schedule off                (horaire off|stop|aucun)
    /palier 1on1 topic <text>                        (sujet) a topic for one's next 1:1:
                                                     handlers.slack.topic_commands

Every answer is ephemeral; the recurring brief arrives in the manager's DM (the
tick, :mod:`handlers.slack.messenger`). The listeners only parse, call the 1:1 flow
(:mod:`bot.app.one_on_one`) and render: who may see or do what is decided there,
on :mod:`bot.domain.access`'s policy, for the command and for every click and submission
alike (a button's value is only a claim).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.app.one_on_one import (
    BriefRequest,
    DoneClick,
    NoteForm,
    ScheduleRequest,
    refusal_key,
)
from bot.app.outcome import Outcome
from bot.domain.commands import OFF_WORDS, SCHEDULE_WORDS
from bot.views.cards import Card
from bot.views.one_on_one import DoneValue
from bot.views.one_on_one_answers import (
    recorded_card,
    refused_card,
    schedule_set_card,
    schedule_stopped_card,
)
from handlers.slack import ids
from handlers.slack.admin_commands import user_id_of
from handlers.slack.builders.one_on_one_builder import (
    brief_message,
    message,
    note_modal,
    note_saved_view,
)
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.markup import slack_t
from handlers.slack.payloads import BlockActions, ViewSubmission, row_id
from handlers.slack.workers import Later

SCHEDULE = SCHEDULE_WORDS
OFF = OFF_WORDS


def _say(respond: Respond, card: Card) -> None:
    text, blocks = message(card)
    respond(
        text=text,
        blocks=blocks,
        response_type="ephemeral",
        replace_original=False,
    )


def _refused(outcome: Outcome[Any], respond: Respond) -> bool:
    """Say the refusal, if the flow refused; True then."""
    if outcome.refusal is None:
        return False
    _say(respond, refused_card(refusal_key(outcome.refusal), slack_t(outcome)))
    return True


def handle_one_on_one(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """``/palier 1on1 [@member [schedule <day> <HH:MM> | schedule off]]``."""
    flow, directory = deps.flows.one_on_one, deps.directory(client, actor)
    target = user_id_of(words[0]) if words else None
    if (words and target is None) or (
        target is not None and len(words) > 1 and words[1].lower() not in SCHEDULE
    ):
        _refused(flow.usage(actor.ref, directory), respond)
    elif target is not None and len(words) > 1:
        _schedule(deps, actor, target, words[2:], respond, client)
    else:
        outcome = flow.brief(actor.ref, BriefRequest(target), directory)
        if _refused(outcome, respond) or outcome.view is None:
            return
        text, blocks = brief_message(outcome.view.brief, outcome.view.timezone, slack_t(outcome))
        respond(text=text, blocks=blocks, response_type="ephemeral")


def _schedule(
    deps: SlackDeps,
    actor: Actor,
    target: str,
    words: list[str],
    respond: Respond,
    client: WebClient,
) -> None:
    flow, directory = deps.flows.one_on_one, deps.directory(client, actor)
    if len(words) == 1 and words[0].lower() in OFF:
        stopped = flow.stop_schedule(actor.ref, target, directory)
        if _refused(stopped, respond) or stopped.view is None:
            return
        view = stopped.view
        _say(respond, schedule_stopped_card(view.report, view.existed, slack_t(stopped)))
        return
    day, at = (words[0], " ".join(words[1:])) if len(words) >= 2 else ("", "")  # "9 h 30"
    outcome = flow.schedule(actor.ref, ScheduleRequest(target, day, at), directory)
    if _refused(outcome, respond) or outcome.view is None:
        return
    _say(respond, schedule_set_card(outcome.view.report, outcome.view.schedule, slack_t(outcome)))


# -- buttons and the note modal ---------------------------------------------------------------


def handle_done(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> None:
    """ "1:1 done": record it, mark the topics shown as discussed, say so privately."""
    click = BlockActions.model_validate(body)
    value = DoneValue.load(click.actions[0].value)
    request = DoneClick(value.report_id, value.shown_at, value.last_seen_id) if value else None
    outcome = deps.flows.one_on_one.done(Actor.from_body(body).ref, request)
    if _refused(outcome, respond) or outcome.view is None:
        return
    _say(respond, recorded_card(outcome.view.recorded, outcome.view.timezone, slack_t(outcome)))


def handle_note_open(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """ "Add a note": the private-note modal, for the report's manager only."""
    click = BlockActions.model_validate(body)
    outcome = deps.flows.one_on_one.open_note(
        Actor.from_body(body).ref, row_id(click.actions[0].value)
    )
    if _refused(outcome, respond) or outcome.view is None:
        return
    client.views_open(trigger_id=click.trigger_id, view=note_modal(outcome.view, slack_t(outcome)))


def handle_note_submission(deps: SlackDeps, ack: Ack, body: dict[str, Any]) -> None:
    """Store the note before acknowledging, so a problem shows on the field, nothing stored."""
    view = ViewSubmission.model_validate(body).view
    field = view.state.values.get(ids.ONE_ON_ONE_NOTE_BLOCK, {}).get(ids.ONE_ON_ONE_NOTE_ACTION)
    form = NoteForm(
        row_id(view.private_metadata),
        (field.value if field else None) or "",
        idempotency_key=f"slack-view:{view.id}",
    )
    outcome = deps.flows.one_on_one.save_note(Actor.from_body(body).ref, form)
    t = slack_t(outcome)
    if outcome.problems:
        ack(
            response_action="errors", errors={ids.ONE_ON_ONE_NOTE_BLOCK: t(outcome.problems[0].key)}
        )
        return
    if outcome.refusal is not None:
        ack(
            response_action="errors",
            errors={ids.ONE_ON_ONE_NOTE_BLOCK: t(refusal_key(outcome.refusal))},
        )
        return
    # Stored now, or by the first delivery of this same submission: the same answer.
    ack(response_action="update", view=note_saved_view(t))


def register(app: App, deps: SlackDeps) -> None:
    """The brief's buttons and the note modal (the command itself is in commands.py)."""

    @app.action(ids.ONE_ON_ONE_DONE)
    def one_on_one_done(ack: Ack, body: dict[str, Any], respond: Respond, later: Later) -> None:
        ack()
        later(lambda: handle_done(deps, body, respond))

    @app.action(ids.ONE_ON_ONE_NOTE)
    def one_on_one_note(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, later: Later
    ) -> None:
        ack()
        later(lambda: handle_note_open(deps, body, client, respond))

    @app.view(ids.ONE_ON_ONE_NOTE_VIEW)
    def one_on_one_note_submit(ack: Ack, body: dict[str, Any]) -> None:
        handle_note_submission(deps, ack, body)
