"""``/palier admin …``: enrol, remove, the workspace schedule, status — for admins only.

Grammar (French words accepted too)::

    /palier admin enrol @person <référentiel> [manager @person]   (inscrire)
    /palier admin remove @person                                   (retirer)
    /palier admin schedule <day> <HH:MM>                           (horaire)
    /palier admin status                                           (etat, état)

People are named with Slack mentions (``<@U…|name>``, as Slack escapes them in a
slash command's text). Every answer is ephemeral; anyone who is not an admin gets
a polite refusal that says nothing about anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.admin import AdminRefusal, AdminService, Enrolment
from bot.i18n import Translator
from bot.people import DirectoryError, Profile, ensure_tenant
from bot.referentiel_text import local_moment
from bot.scheduling import parse_local_time, parse_weekday
from handlers.slack.builders.mrkdwn import escape, user_text
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from storage.db import session_scope
from storage.models import Platform

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


@dataclass(frozen=True)
class AdminContext:
    deps: SlackDeps
    admin: AdminService
    actor: Actor
    client: WebClient
    respond: Respond
    t: Translator

    def say(self, text: str) -> None:
        self.respond(text=text, response_type="ephemeral")


def handle_admin(
    deps: SlackDeps,
    admin: AdminService,
    actor: Actor,
    words: list[str],
    respond: Respond,
    client: WebClient,
) -> None:
    """Check the actor is an admin, then run the subcommand."""
    directory = SlackDirectory(client)
    with session_scope(deps.sessions) as session:
        t, _timezone = deps.person_settings(session, actor, client)
    allowed = deps.actor_is_admin(client, actor)
    context = AdminContext(deps, admin, actor, client, respond, t)
    if not allowed:
        context.say(t("slack.admin.refused"))
        return
    action = words[0].lower() if words else ""
    rest = words[1:]
    if action in ENROL:
        _enrol(context, rest, directory)
    elif action in REMOVE:
        _remove(context, rest)
    elif action in SCHEDULE:
        _schedule(context, rest)
    elif action in STATUS:
        _status(context)
    else:
        context.say(t("slack.admin.usage"))


def _enrol(context: AdminContext, words: list[str], directory: SlackDirectory) -> None:
    t = context.t
    user_id = user_id_of(words[0]) if words else None
    manager_id = None
    if len(words) >= 4 and words[2].lower() in MANAGER:
        manager_id = user_id_of(words[3])
    if user_id is None or len(words) not in (2, 4) or (len(words) == 4 and manager_id is None):
        context.say(t("slack.admin.enrol_usage"))
        return
    try:
        profile = directory.profile(user_id)
        manager = directory.profile(manager_id) if manager_id else None
    except DirectoryError:
        context.say(t("slack.error"))
        return
    if profile is None or (manager_id is not None and manager is None):
        context.say(t("slack.admin.refusal.unknown_user"))
        return
    referentiel_id = words[1]
    with session_scope(context.deps.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, context.actor.team_id)
        outcome = context.admin.enrol(session, tenant, profile, referentiel_id, manager)
        if isinstance(outcome, AdminRefusal):
            ids = ", ".join(context.admin.catalog.ids())
            context.say(t(f"slack.admin.refusal.{outcome.value}", ids=ids))
            return
        text = _enrolled_text(context, outcome, profile, manager)
    context.say(text)


def _enrolled_text(
    context: AdminContext, enrolment: Enrolment, profile: Profile, manager: Profile | None
) -> str:
    t = context.t
    referentiel = context.admin.catalog.get(enrolment.person.referentiel_id or "")
    title = referentiel.title if referentiel else enrolment.person.referentiel_id
    text = t("slack.admin.enrolled", person=f"<@{profile.user_id}>", referentiel=title)
    if manager is not None:
        text += " " + t("slack.admin.with_manager", manager=f"<@{manager.user_id}>")
    return text


def _remove(context: AdminContext, words: list[str]) -> None:
    t = context.t
    user_id = user_id_of(words[0]) if len(words) == 1 else None
    if user_id is None:
        context.say(t("slack.admin.remove_usage"))
        return
    with session_scope(context.deps.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, context.actor.team_id)
        outcome = context.admin.remove(session, tenant, user_id, context.deps.clock())
    if isinstance(outcome, AdminRefusal):
        context.say(t(f"slack.admin.refusal.{outcome.value}", ids=""))
        return
    context.say(t("slack.admin.removed", person=f"<@{user_id}>"))


def _schedule(context: AdminContext, words: list[str]) -> None:
    t = context.t
    try:
        if len(words) != 2:
            raise ValueError("two words expected")
        weekday, at = parse_weekday(words[0]), parse_local_time(words[1])
    except ValueError:
        context.say(t("slack.admin.schedule_usage"))
        return
    with session_scope(context.deps.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, context.actor.team_id)
        moved = context.admin.set_schedule(session, tenant, weekday, at)
    context.say(
        t(
            "slack.admin.scheduled",
            weekday=t(f"calendar.weekday.{weekday}"),
            time=at.strftime("%H:%M"),
            moved=moved,
        )
    )


def _status(context: AdminContext) -> None:
    t = context.t
    now = context.deps.clock()
    with session_scope(context.deps.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, context.actor.team_id)
        status = context.admin.status(session, tenant, now)
        _t, timezone = context.deps.person_settings(session, context.actor)
    lines = []
    if status.delivery_paused_at is not None:
        since = local_moment(status.delivery_paused_at, timezone, t)
        lines.append(t("slack.admin.delivery_paused", since=since, error=status.delivery_error))
    lines += [
        t(
            "slack.admin.status",
            enrolled=status.enrolled,
            paused=status.paused,
            inactive=status.inactive,
            weekday=t(f"calendar.weekday.{status.checkin_weekday}"),
            time=status.checkin_time.strftime("%H:%M"),
        )
    ]
    for referentiel_id, count in sorted(status.by_referentiel.items()):
        referentiel = context.admin.catalog.get(referentiel_id)
        title = referentiel.title if referentiel else referentiel_id
        lines.append("• " + t("common.label_value", label=title, value=count))
    lines.append(t("slack.admin.next_tick", seconds=context.deps.tick_seconds))
    if status.recent_errors:
        lines.append(t("slack.admin.errors"))
        lines.extend(
            "• "
            + t(
                "common.label_value",
                label=f"{user_text(error.person_name)} ({error.cycle_key})",
                value=escape(error.reason),
            )
            for error in status.recent_errors
        )
    else:
        lines.append(t("slack.admin.no_errors"))
    context.say("\n".join(lines))
