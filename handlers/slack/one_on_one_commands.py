"""``/palier 1on1 …``: the 1:1 brief, "1:1 done", private notes and recurring 1:1s.

Grammar (French words accepted too)::

    /palier 1on1                                     one's own prep
    /palier 1on1 @member                             the brief about a report
    /palier 1on1 @member schedule <day> <HH:MM>      (horaire) the brief an hour before
    /palier 1on1 @member schedule off                (horaire off|stop|aucun)

Every answer is ephemeral; the recurring brief arrives in the manager's DM (the
tick, :mod:`handlers.slack.messenger`). Who may see or do what is decided by
:mod:`bot.one_on_one` on :mod:`bot.access`'s policy, for the command and for every
click and submission alike (a button's value is only a claim): someone the asker
may not see gets the very answer an unknown user id gets.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.i18n import Translator
from bot.one_on_one import OneOnOneRefusal, OneOnOneService, Recorded
from bot.scheduling import parse_local_time, parse_weekday
from handlers.slack import ids
from handlers.slack.admin_commands import user_id_of
from handlers.slack.builders.one_on_one_builder import (
    DoneValue,
    brief_blocks,
    brief_text,
    note_modal,
    note_saved_view,
    recorded_text,
    report_name,
    schedule_set_text,
)
from handlers.slack.builders.prompt_builder import notice_blocks
from handlers.slack.context import Actor, SlackDeps
from storage.db import session_scope

SCHEDULE = frozenset({"schedule", "horaire"})
OFF = frozenset({"off", "stop", "aucun", "none", "non"})


def service(deps: SlackDeps) -> OneOnOneService:
    """The 1:1 service on the référentiels and defaults every listener shares."""
    return OneOnOneService(deps.checkins.catalog, default_timezone=deps.default_timezone)


def _say(respond: Respond, text: str) -> None:
    respond(
        text=text,
        blocks=notice_blocks(text),
        response_type="ephemeral",
        replace_original=False,
    )


def _refusal(t: Translator, refusal: OneOnOneRefusal) -> str:
    return t(f"one_on_one.refusal.{refusal.value}")


def handle_one_on_one(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """``/palier 1on1 [@member [schedule <day> <HH:MM> | schedule off]]``."""
    target = user_id_of(words[0]) if words else None
    if words and target is None:
        _usage(deps, actor, respond, client)
    elif target is not None and len(words) > 1:
        if words[1].lower() in SCHEDULE:
            _schedule(deps, actor, target, words[2:], respond, client)
        else:
            _usage(deps, actor, respond, client)
    else:
        _brief(deps, actor, target, respond, client)


def _usage(deps: SlackDeps, actor: Actor, respond: Respond, client: WebClient) -> None:
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
    _say(respond, t("one_on_one.usage"))


def _brief(
    deps: SlackDeps, actor: Actor, target: str | None, respond: Respond, client: WebClient
) -> None:
    # Only a brief about someone else needs the admin check (one users.info call).
    admin = target not in (None, actor.user_id) and deps.actor_is_admin(client, actor)
    with session_scope(deps.sessions) as session:
        t, timezone = deps.person_settings(session, actor, client)
        brief = service(deps).brief(
            session,
            actor.team_id,
            actor.user_id,
            target,
            deps.clock(),
            is_admin=admin,
            indirect=deps.managers_see_indirect,
        )
    if isinstance(brief, OneOnOneRefusal):
        _say(respond, _refusal(t, brief))
        return
    respond(
        text=brief_text(brief, t),
        blocks=brief_blocks(brief, timezone, t),
        response_type="ephemeral",
    )


def _schedule(
    deps: SlackDeps,
    actor: Actor,
    target: str,
    words: list[str],
    respond: Respond,
    client: WebClient,
) -> None:
    # An admin may read anyone's brief: told "manager only" rather than "no such person".
    admin = deps.actor_is_admin(client, actor)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
        one_on_ones = service(deps)
        if len(words) == 1 and words[0].lower() in OFF:
            cleared = one_on_ones.clear_schedule(
                session,
                actor.team_id,
                actor.user_id,
                target,
                is_admin=admin,
                indirect=deps.managers_see_indirect,
            )
            if isinstance(cleared, OneOnOneRefusal):
                text = _refusal(t, cleared)
            else:
                report, existed = cleared
                key = "one_on_one.schedule.off" if existed else "one_on_one.schedule.none"
                text = t(key, name=report_name(report))
        else:
            try:
                if len(words) != 2:
                    raise ValueError("a day and a time expected")
                weekday, at = parse_weekday(words[0]), parse_local_time(words[1])
            except ValueError:
                text = t("one_on_one.schedule.usage")
            else:
                outcome = one_on_ones.set_schedule(
                    session,
                    actor.team_id,
                    actor.user_id,
                    target,
                    weekday,
                    at,
                    deps.clock(),
                    is_admin=admin,
                    indirect=deps.managers_see_indirect,
                )
                if isinstance(outcome, OneOnOneRefusal):
                    text = _refusal(t, outcome)
                else:
                    text = schedule_set_text(*outcome, t)
    _say(respond, text)


# -- buttons and the note modal ---------------------------------------------------------------


def _action_value(body: dict[str, Any]) -> str | None:
    try:
        return str(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError):
        return None


def handle_done(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> None:
    """ "1:1 done": record it, mark the topics shown as discussed, say so privately."""
    actor = Actor.from_body(body)
    value = DoneValue.load(_action_value(body))
    with session_scope(deps.sessions) as session:
        t, timezone = deps.person_settings(session, actor)
        outcome: Recorded | OneOnOneRefusal = OneOnOneRefusal.UNAVAILABLE
        if value is not None:
            outcome = service(deps).record_one_on_one(
                session,
                actor.team_id,
                actor.user_id,
                value.report_id,
                deps.clock(),
                shown_at=value.shown_at,
                last_seen_id=value.last_seen_id,
            )
    if isinstance(outcome, OneOnOneRefusal):
        _say(respond, _refusal(t, outcome))
        return
    _say(respond, recorded_text(outcome, timezone, t))


def handle_note_open(
    deps: SlackDeps, body: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """ "Add a note": the private-note modal, for the report's manager only."""
    actor = Actor.from_body(body)
    value = _action_value(body) or ""
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        report = (
            service(deps).report_for_note(session, actor.team_id, actor.user_id, int(value))
            if value.isdigit()
            else OneOnOneRefusal.UNAVAILABLE
        )
    if isinstance(report, OneOnOneRefusal):
        _say(respond, _refusal(t, report))
        return
    client.views_open(trigger_id=str(body.get("trigger_id", "")), view=note_modal(report, t))


def handle_note_submission(deps: SlackDeps, ack: Ack, body: dict[str, Any]) -> None:
    """Store the note before acknowledging, so a problem shows on the field, nothing stored."""
    view = body["view"]
    actor = Actor.from_body(body)
    metadata = str(view.get("private_metadata") or "")
    values = (view.get("state") or {}).get("values") or {}
    text = str(
        ((values.get(ids.ONE_ON_ONE_NOTE_BLOCK) or {}).get(ids.ONE_ON_ONE_NOTE_ACTION) or {}).get(
            "value"
        )
        or ""
    )
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor)
        outcome = (
            service(deps).add_note(
                session,
                actor.team_id,
                actor.user_id,
                int(metadata),
                text,
                deps.clock(),
                idempotency_key=f"slack-view:{view['id']}",
            )
            if metadata.isdigit()
            else OneOnOneRefusal.UNAVAILABLE
        )
    if isinstance(outcome, OneOnOneRefusal):
        ack(response_action="errors", errors={ids.ONE_ON_ONE_NOTE_BLOCK: _refusal(t, outcome)})
        return
    # Stored now, or by the first delivery of this same submission: the same answer.
    ack(response_action="update", view=note_saved_view(t))


def register(app: App, deps: SlackDeps) -> None:
    """The brief's buttons and the note modal (the command itself is in commands.py)."""

    @app.action(ids.ONE_ON_ONE_DONE)
    def one_on_one_done(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        handle_done(deps, body, respond)

    @app.action(ids.ONE_ON_ONE_NOTE)
    def one_on_one_note(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        handle_note_open(deps, body, client, respond)

    @app.view(ids.ONE_ON_ONE_NOTE_VIEW)
    def one_on_one_note_submit(ack: Ack, body: dict[str, Any]) -> None:
        handle_note_submission(deps, ack, body)
