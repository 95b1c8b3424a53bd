"""``admin …`` typed to Palier in Teams: enrol, remove, the schedule, status — for admins.

Grammar (French words accepted too, as in Slack)::

    admin enrol <e-mail> <référentiel> [manager <e-mail>]   (inscrire)
    admin remove <e-mail>                                    (retirer)
    admin schedule <day> <time>                              (horaire; 16:00 or 9h30)
    admin status                                             (etat, état)

People are named by e-mail address: a Teams chat with a bot has no mention of someone to
read an id from. The admin flows find them in the tenant's directory (Microsoft Graph)
once they said the actor is an admin — the actor is an admin when their Entra object id
is in ``PALIER_ADMIN_USER_IDS`` (Teams says nobody's admin role to an app) or Palier gives
them its admin role. Anyone else gets the same refusal whatever they typed. ``admin
status`` also names the people enrolled Palier cannot write to yet (the app not
installed for them) and how to fix it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.app.actor import ActorRef
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
from bot.domain.commands import Command, Parsed
from bot.i18n import Translator
from bot.i18n.rich import Rich
from bot.views import admin as admin_view
from bot.views.notice import notice_card
from handlers.teams.context import TeamsDeps, TeamsPeople, actor_ref, people
from handlers.teams.replies import reply
from handlers.teams.wording import teams_t
from storage.models import Platform

WORDS = admin_view.WORDS[Platform.TEAMS]
ADDRESS = re.compile(r"[^@\s<>\"']+(?:'[^@\s<>\"']+)*@[^@\s<>\"']+\.[^@\s<>\"']+")
# Teams may send an address typed in a message as a mailto link.
_MAILTO = re.compile(r"<a\b[^>]*href=\"mailto:([^\"]+)\"[^>]*>.*?</a>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def words_of(text: str) -> list[str]:
    """The words of a command as typed, mailto links read as their address."""
    plain = _TAG.sub(" ", _MAILTO.sub(r"\1", text)).replace("&nbsp;", " ")
    return plain.split()


# What to say instead of running a command that did not read, in the actor's words.
Unread = Callable[[Translator], Rich]


def address_of(word: str) -> str | None:
    return word if ADDRESS.fullmatch(word) else None


def _usage(key: str) -> Unread:
    return lambda t: admin_view.usage(key, t)


def _run(
    deps: TeamsDeps, ref: Any, words: list[str], directory: TeamsPeople
) -> tuple[Outcome[Any], Unread | None]:
    """The flow's outcome, and what to show an admin when the command does not read (then
    the flow was only asked whether the actor is an admin): its usage, or why its time is
    no time of day. In a worker thread."""
    admin, enrolment = deps.flows.admin, deps.flows.enrolment
    action, rest = (words[0].lower(), words[1:]) if words else ("", [])
    if action in ENROL:
        enrol = enrol_input(rest, address_of)
        if enrol is not None:
            return enrolment.enrol(ref, enrol, directory), None
        return admin.rights(ref, directory), _usage(WORDS.enrol_usage)
    if action in REMOVE:
        remove = remove_input(rest, address_of)
        if remove is not None:
            return admin.remove(ref, remove, directory), None
        return admin.rights(ref, directory), _usage(WORDS.remove_usage)
    if action in SCHEDULE:
        slot = schedule_input(rest)
        if slot is not None:
            return admin.schedule(ref, slot, directory), None
        wrong = bad_time(rest)
        if wrong is not None:
            return admin.rights(ref, directory), lambda t: admin_view.bad_time(wrong, t)
        return admin.rights(ref, directory), _usage(WORDS.schedule_usage)
    if action in STATUS and not rest:
        return admin.status(ref, directory, conversations_needed=True), None
    return admin.rights(ref, directory), _usage(WORDS.usage)


def answer(
    deps: TeamsDeps,
    outcome: Outcome[Any],
    unread: Unread | None,
    tick_seconds: int,
    words: list[str] | None = None,
    ref: ActorRef | None = None,
) -> Rich:
    """The refusal (naming what an ``enrol`` typed in ``words`` named, when it helps),
    the usage (nothing was done), or what was done, in the core's words."""
    t, view = teams_t(outcome), outcome.view
    if outcome.refusal is not None:
        # Only an unknown référentiel lists the ids (one more read of the workspace's).
        unknown = outcome.refusal == AdminRefusal.UNKNOWN_REFERENTIEL
        ids = deps.flows.enrolment.referentiel_ids(ref) if unknown else []
        referentiel = address = None
        if words and words[0].lower() in ENROL:
            referentiel, address = enrol_refused(words[1:], address_of, outcome.refusal)
        return admin_view.refusal(
            outcome.refusal, t, ids, WORDS, referentiel=referentiel, address=address
        )
    if isinstance(view, Enrolled):
        return admin_view.enrolled(
            view.user_id,
            view.referentiel_title,
            view.manager_id,
            t,
            name=view.name,
            manager_name=view.manager_name,
            previous_title=view.previous_title,
        )
    if isinstance(view, Removed):
        return admin_view.removed(view.user_id, t, name=view.name)
    if isinstance(view, Scheduled):
        return admin_view.scheduled(view.weekday, view.at, view.moved, t, WORDS)
    if isinstance(view, StatusReport):
        return admin_view.status(
            view.status,
            view.titles,
            view.timezone,
            t,
            tick_seconds=tick_seconds,
            words=WORDS,
            unreachable=[(someone.user_id, someone.name) for someone in view.unreachable],
        )
    return unread(t) if unread is not None else admin_view.usage(WORDS.usage, t)


async def handle_admin(deps: TeamsDeps, ctx: Any, parsed: Parsed) -> None:
    activity = ctx.activity
    words = words_of(parsed.text)[1:]  # after "admin"
    directory = people(deps, activity)
    ref = actor_ref(activity)
    outcome, unread = await asyncio.to_thread(_run, deps, ref, words, directory)
    text = await asyncio.to_thread(answer, deps, outcome, unread, deps.tick_seconds, words, ref)
    await reply(deps, ctx, notice_card(text))


COMMANDS: dict[Command, Callable[[TeamsDeps, Any, Parsed], Awaitable[None]]] = {
    Command.ADMIN: handle_admin,
}
