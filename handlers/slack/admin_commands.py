"""``/palier admin …``: enrol, remove, the workspace schedule, status — for admins only.

Grammar (French words accepted too)::

    /palier admin enrol @person <référentiel> [manager @person]   (inscrire)
    /palier admin remove @person                                   (retirer)
    /palier admin schedule <day> <HH:MM>                           (horaire)
    /palier admin status                                           (etat, état)

People are named with Slack mentions (``<@U…|name>``, as Slack escapes them in a
slash command's text). The listener reads the command into the flows' inputs, calls
the admin flow (:mod:`bot.app.admin`; enrolling is :mod:`bot.app.enrolment`'s) and
renders the answer the core words (:mod:`bot.views.admin`); the flow checks the
actor's rights first, so anyone who is not an admin gets the same polite refusal
whatever they typed, which says nothing about anyone.
A command that does not read gets its usage — once the flow said the actor is an admin.
Every answer is ephemeral.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.app.admin import Removed, RemoveInput, Scheduled, ScheduleInput, StatusReport
from bot.app.enrolment import EnrolInput, Enrolled
from bot.app.outcome import Outcome
from bot.domain.scheduling import parse_local_time, parse_weekday
from bot.views import admin as admin_view
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")
ENROL = frozenset({"enrol", "enroll", "inscrire"})
REMOVE = frozenset({"remove", "retirer"})
SCHEDULE = frozenset({"schedule", "horaire"})
STATUS = frozenset({"status", "etat", "état"})
MANAGER = frozenset({"manager"})


def user_id_of(word: str) -> str | None:
    """``<@U123|alice>`` or ``U123`` → ``U123``; anything else → None."""
    match = MENTION.match(word)
    return (match.group(1) or match.group(2)) if match else None


def enrol_input(words: list[str]) -> EnrolInput | None:
    """``@person <référentiel> [manager @person]``; None when it does not read."""
    if len(words) not in (2, 4):
        return None
    user_id, manager_id = user_id_of(words[0]), None
    if len(words) == 4:
        manager_id = user_id_of(words[3]) if words[2].lower() in MANAGER else None
        if manager_id is None:
            return None
    return None if user_id is None else EnrolInput(user_id, words[1], manager_id)


def remove_input(words: list[str]) -> RemoveInput | None:
    user_id = user_id_of(words[0]) if len(words) == 1 else None
    return None if user_id is None else RemoveInput(user_id)


def schedule_input(words: list[str]) -> ScheduleInput | None:
    if len(words) != 2:
        return None
    try:
        return ScheduleInput(parse_weekday(words[0]), parse_local_time(words[1]))
    except ValueError:
        return None


def handle_admin(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """Read the subcommand, let its flow check the actor is an admin and run it, answer."""
    outcome, usage = _run(deps, actor, words, SlackDirectory(client))
    respond(text=_text(deps, outcome, usage), response_type="ephemeral")


def _run(
    deps: SlackDeps, actor: Actor, words: list[str], directory: SlackDirectory
) -> tuple[Outcome[Any], str]:
    """The flow's outcome, and the usage to show an admin when the command does not read
    (then the flow was only asked whether the actor is an admin)."""
    admin, enrolment, ref = deps.flows.admin, deps.flows.enrolment, actor.ref
    action, rest = (words[0].lower(), words[1:]) if words else ("", [])
    if action in ENROL:
        enrol = enrol_input(rest)
        if enrol is not None:
            return enrolment.enrol(ref, enrol, directory), ""
        return admin.rights(ref, directory), "admin.enrol_usage"
    if action in REMOVE:
        remove = remove_input(rest)
        if remove is not None:
            return admin.remove(ref, remove, directory), ""
        return admin.rights(ref, directory), "admin.remove_usage"
    if action in SCHEDULE:
        slot = schedule_input(rest)
        if slot is not None:
            return admin.schedule(ref, slot, directory), ""
        return admin.rights(ref, directory), "admin.schedule_usage"
    if action in STATUS:
        return admin.status(ref, directory), ""
    return admin.rights(ref, directory), "admin.usage"


def _text(deps: SlackDeps, outcome: Outcome[Any], usage: str) -> str:
    """The answer: the refusal, the usage (nothing was done), or what was done — the
    core's words (:mod:`bot.views.admin`) for the flow's view, in mrkdwn."""
    t, view = slack_t(outcome), outcome.view
    if outcome.refusal is not None:
        ids = deps.flows.enrolment.referentiel_ids()
        return from_rich(admin_view.refusal(outcome.refusal, t, ids))
    if isinstance(view, Enrolled):
        text = admin_view.enrolled(view.user_id, view.referentiel_title, view.manager_id, t)
    elif isinstance(view, Removed):
        text = admin_view.removed(view.user_id, t)
    elif isinstance(view, Scheduled):
        text = admin_view.scheduled(view.weekday, view.at, view.moved, t)
    elif isinstance(view, StatusReport):
        text = admin_view.status(
            view.status, view.titles, view.timezone, t, tick_seconds=deps.tick_seconds
        )
    else:
        text = t.rich(usage)
    return from_rich(text)
