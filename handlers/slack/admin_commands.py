"""``/palier admin …``: enrol, remove, the workspace schedule, status — for admins only.

Grammar (French words accepted too)::

    /palier admin enrol @person <référentiel> [manager @person]   (inscrire)
    /palier admin remove @person                                   (retirer)
    /palier admin schedule <day> <HH:MM>                           (horaire)
    /palier admin status                                           (etat, état)

People are named with Slack mentions (``<@U…|name>``, as Slack escapes them in a
slash command's text). The listener reads the command into the flows' inputs, calls
the admin flow (:mod:`bot.app.admin`; enrolling is :mod:`bot.app.enrolment`'s) and
words its outcome; the flow checks the actor's rights first, so anyone who is not an
admin gets the same polite refusal whatever they typed, which says nothing about anyone.
A command that does not read gets its usage — once the flow said the actor is an admin.
Every answer is ephemeral.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.app.admin import NOT_ADMIN, Removed, RemoveInput, Scheduled, ScheduleInput, StatusReport
from bot.app.enrolment import DIRECTORY_FAILED, EnrolInput, Enrolled
from bot.app.outcome import Outcome
from bot.domain.admin import AdminRefusal
from bot.domain.scheduling import parse_local_time, parse_weekday
from bot.i18n import Translator
from bot.i18n.referentiel_text import local_moment
from handlers.slack.builders.mrkdwn import escape, user_text
from handlers.slack.context import Actor, SlackDeps
from handlers.slack.directory import SlackDirectory
from handlers.slack.markup import slack_t

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")
ENROL = frozenset({"enrol", "enroll", "inscrire"})
REMOVE = frozenset({"remove", "retirer"})
SCHEDULE = frozenset({"schedule", "horaire"})
STATUS = frozenset({"status", "etat", "état"})
MANAGER = frozenset({"manager"})

# The flows' refusals, as this front end words them.
REFUSALS = {NOT_ADMIN: "admin.refused", DIRECTORY_FAILED: "error"} | {
    refusal.value: f"admin.refusal.{refusal.value}" for refusal in AdminRefusal
}


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
    """The answer: the refusal, the usage (nothing was done), or what was done."""
    t, view = slack_t(outcome), outcome.view
    if outcome.refusal == AdminRefusal.UNKNOWN_REFERENTIEL:
        ids = ", ".join(deps.flows.enrolment.referentiel_ids())
        return t(REFUSALS[outcome.refusal], ids=ids)
    if outcome.refusal is not None:
        return t(REFUSALS[outcome.refusal])
    if isinstance(view, Enrolled):
        return enrolled_text(view, t)
    if isinstance(view, Removed):
        return t("admin.removed", person=f"<@{view.user_id}>")
    if isinstance(view, Scheduled):
        return scheduled_text(view, t)
    if isinstance(view, StatusReport):
        return status_text(view, t, deps.tick_seconds)
    return t(usage)


def enrolled_text(view: Enrolled, t: Translator) -> str:
    text = t("admin.enrolled", person=f"<@{view.user_id}>", referentiel=view.referentiel_title)
    if view.manager_id is not None:
        text += " " + t("admin.with_manager", manager=f"<@{view.manager_id}>")
    return text


def scheduled_text(view: Scheduled, t: Translator) -> str:
    return t(
        "admin.scheduled",
        weekday=t(f"calendar.weekday.{view.weekday}"),
        time=view.at.strftime("%H:%M"),
        moved=view.moved,
    )


def status_text(report: StatusReport, t: Translator, tick_seconds: int) -> str:
    status = report.status
    lines = []
    if status.delivery_paused_at is not None:
        since = local_moment(status.delivery_paused_at, report.timezone, t)
        lines.append(t("admin.delivery_paused", since=since, error=status.delivery_error))
    lines += [
        t(
            "admin.status",
            enrolled=status.enrolled,
            paused=status.paused,
            inactive=status.inactive,
            weekday=t(f"calendar.weekday.{status.checkin_weekday}"),
            time=status.checkin_time.strftime("%H:%M"),
        )
    ]
    for referentiel_id, count in sorted(status.by_referentiel.items()):
        title = report.titles.get(referentiel_id, referentiel_id)
        lines.append("• " + t("common.label_value", label=title, value=count))
    lines.append(t("admin.next_tick", seconds=tick_seconds))
    if status.recent_errors:
        lines.append(t("admin.errors"))
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
        lines.append(t("admin.no_errors"))
    return "\n".join(lines)
