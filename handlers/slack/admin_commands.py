"""``/palier admin …``: enrol, remove, the workspace schedule, status — for admins only.

Grammar (French words accepted too)::

    /palier admin enrol @person <référentiel> [manager @person]   (inscrire)
    /palier admin remove @person                                   (retirer)
    /palier admin schedule <day> <time>                            (horaire)
    /palier admin status                                           (etat, état)

People are named with Slack mentions (``<@U…|name>``, as Slack escapes them in a
slash command's text) or by e-mail address (``alice@acme.fr``, or as Slack links it,
``<mailto:alice@acme.fr|alice@acme.fr>``), found with ``users.lookupByEmail``; a time
is ``16:00`` or the French way, ``9h30``. The listener reads the command into the flows' inputs, calls
the admin flow (:mod:`bot.app.admin`; enrolling is :mod:`bot.app.enrolment`'s) and
renders the answer the core words (:mod:`bot.views.admin`); the flow checks the
actor's rights first, so anyone who is not an admin gets the same polite refusal
whatever they typed, which says nothing about anyone.
A command that does not read gets its usage — once the flow said the actor is an admin.
Every answer is ephemeral.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.app.admin import Removed, Scheduled, StatusReport
from bot.app.admin_input import (
    ENROL,
    REMOVE,
    SCHEDULE,
    STATUS,
    bad_time,
    enrol_input,
    enrol_refused,
    remove_input,
    schedule_input,
)
from bot.app.enrolment import Enrolled
from bot.app.outcome import Outcome
from bot.domain.admin import AdminRefusal
from bot.i18n import Translator
from bot.i18n.rich import Rich
from bot.views import admin as admin_view
from handlers.slack.builders.mrkdwn import from_rich
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")
# An address as Slack links it in a command's text, and as typed.
MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")
ADDRESS = re.compile(r"^[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|]+$")

# What to say instead of running a command that did not read, in the actor's words.
Unread = Callable[[Translator], Rich]


def user_id_of(word: str) -> str | None:
    """``<@U123|alice>`` or ``U123`` → ``U123``; anything else → None."""
    match = MENTION.match(word)
    return (match.group(1) or match.group(2)) if match else None


def person_of(word: str) -> str | None:
    """A person as named in a command: a mention's user id, or an e-mail address
    (``alice@acme.fr``, or Slack's ``<mailto:alice@acme.fr|alice@acme.fr>``); else None."""
    mailto = MAILTO.match(word)
    address = mailto.group(1) if mailto else word
    if ADDRESS.match(address):
        return address
    return user_id_of(word)


def handle_admin(
    deps: SlackDeps, actor: Actor, words: list[str], respond: Respond, client: WebClient
) -> None:
    """Read the subcommand, let its flow check the actor is an admin and run it, answer."""
    outcome, unread = _run(deps, actor, words, deps.directory(client, actor))
    respond(text=_text(deps, actor, outcome, unread, words), response_type="ephemeral")


def _usage(key: str) -> Unread:
    return lambda t: admin_view.usage(key, t)


def _run(
    deps: SlackDeps, actor: Actor, words: list[str], directory: SlackDirectory
) -> tuple[Outcome[Any], Unread | None]:
    """The flow's outcome, and what to show an admin when the command does not read (then
    the flow was only asked whether the actor is an admin): its usage, or why its time
    is no time of day."""
    admin, enrolment, ref = deps.flows.admin, deps.flows.enrolment, actor.ref
    action, rest = (words[0].lower(), words[1:]) if words else ("", [])
    if action in ENROL:
        enrol = enrol_input(rest, person_of)
        if enrol is not None:
            return enrolment.enrol(ref, enrol, directory), None
        return admin.rights(ref, directory), _usage("admin.enrol_usage")
    if action in REMOVE:
        remove = remove_input(rest, person_of)
        if remove is not None:
            return admin.remove(ref, remove, directory), None
        return admin.rights(ref, directory), _usage("admin.remove_usage")
    if action in SCHEDULE:
        slot = schedule_input(rest)
        if slot is not None:
            return admin.schedule(ref, slot, directory), None
        wrong = bad_time(rest)
        if wrong is not None:
            return admin.rights(ref, directory), lambda t: admin_view.bad_time(wrong, t)
        return admin.rights(ref, directory), _usage("admin.schedule_usage")
    if action in STATUS:
        return admin.status(ref, directory), None
    return admin.rights(ref, directory), _usage("admin.usage")


def _text(
    deps: SlackDeps, actor: Actor, outcome: Outcome[Any], unread: Unread | None, words: list[str]
) -> str:
    """The answer: the refusal, the usage (nothing was done), or what was done — the
    core's words (:mod:`bot.views.admin`) for the flow's view, in mrkdwn."""
    t, view = slack_t(outcome), outcome.view
    if outcome.refusal is not None:
        # Only an unknown référentiel lists the ids (one more read of the workspace's).
        unknown = outcome.refusal == AdminRefusal.UNKNOWN_REFERENTIEL
        ids = deps.flows.enrolment.referentiel_ids(actor.ref) if unknown else []
        referentiel = address = None
        if words and words[0].lower() in ENROL:
            referentiel, address = enrol_refused(words[1:], person_of, outcome.refusal)
        refused = admin_view.refusal(
            outcome.refusal, t, ids, referentiel=referentiel, address=address
        )
        return from_rich(refused)
    if isinstance(view, Enrolled):
        text = admin_view.enrolled(
            view.user_id,
            view.referentiel_title,
            view.manager_id,
            t,
            previous_title=view.previous_title,
        )
    elif isinstance(view, Removed):
        text = admin_view.removed(view.user_id, t)
    elif isinstance(view, Scheduled):
        text = admin_view.scheduled(view.weekday, view.at, view.moved, t)
    elif isinstance(view, StatusReport):
        text = admin_view.status(
            view.status, view.titles, view.timezone, t, tick_seconds=deps.tick_seconds
        )
    else:
        text = unread(t) if unread is not None else t.rich("admin.usage")
    return from_rich(text)
