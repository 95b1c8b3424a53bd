"""The answers to an admin's commands (enrol, remove, the workspace schedule, status), as
neutral text.

What the admin flows (:mod:`bot.app.admin`, :mod:`bot.app.enrolment`) answer, worded:
a refusal (the same for anyone who is not an admin, whatever they asked), the usage
when a command did not read (nothing was done), or what was done. People are mentions;
a référentiel's title, a delivery error and a moment are quoted; a person's name in the
recent errors is shown as they are called, never as formatting. How often the front end
looks for check-ins to send is the front end's setting, given here. Views sit below the
flows (the import contract's layers): a front end picks the function for the flow's
view type and passes its fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time

from babel.numbers import format_decimal

from bot.domain.admin import AdminRefusal, Participation, WorkspaceStatus
from bot.domain.commands import closest
from bot.i18n import Translator, babel_locale, formats
from bot.i18n.rich import Mention, Plain, Rich, Typed
from storage.models import Platform


@dataclass(frozen=True)
class Words:
    """The catalog keys of the answers whose words depend on the platform: how its people
    type the commands and name someone (a Slack mention, a Teams e-mail address), what its
    workspace is called, whose credentials fail when sending pauses."""

    refused: str
    usage: str
    enrol_usage: str
    remove_usage: str
    schedule_usage: str
    scheduled: str
    status: str
    delivery_paused: str
    unknown_user: str
    deactivated: str
    directory_failed: str = "error"
    # Someone enrolled Palier cannot write to yet, and how to fix it (None: no such case).
    unreachable: str | None = None
    unreachable_fix: str | None = None


def _words(section: str, **more: str) -> Words:
    return Words(
        refused=f"{section}.refused",
        usage=f"{section}.usage",
        enrol_usage=f"{section}.enrol_usage",
        remove_usage=f"{section}.remove_usage",
        schedule_usage=f"{section}.schedule_usage",
        scheduled=f"{section}.scheduled",
        status=f"{section}.status",
        delivery_paused=f"{section}.delivery_paused",
        unknown_user=f"{section}.refusal.unknown_user",
        deactivated=f"{section}.refusal.deactivated",
        **more,
    )


WORDS = {
    Platform.SLACK: _words("admin"),
    Platform.TEAMS: _words(
        "teams_admin",
        directory_failed="teams_admin.refusal.directory_failed",
        unreachable="teams_admin.unreachable",
        unreachable_fix="teams_admin.install_for_everyone",
    ),
}
SLACK = WORDS[Platform.SLACK]

# The flows' refusals, in the catalog's words: the policy's (AdminRefusal), and the
# flows' own codes ``bot.app.admin.NOT_ADMIN``, ``bot.app.enrolment.DIRECTORY_FAILED`` and
# ``bot.app.enrolment.UNKNOWN_MANAGER`` (their values: views may not import the flows
# above them).
REFUSALS = {"not_admin": "admin.refused", "directory_failed": "error"} | {
    refusal.value: f"admin.refusal.{refusal.value}" for refusal in AdminRefusal
}


UNKNOWN_MANAGER = "unknown_manager"
UNKNOWN_ADDRESS = "french_habits.unknown_address"


def _refusal_key(code: str, words: Words) -> str:
    own = {
        "not_admin": words.refused,
        "directory_failed": words.directory_failed,
        AdminRefusal.UNKNOWN_USER.value: words.unknown_user,
        UNKNOWN_MANAGER: words.unknown_user,
        AdminRefusal.DEACTIVATED.value: words.deactivated,
    }
    return own.get(code) or REFUSALS[code]


def refusal(
    code: str,
    t: Translator,
    referentiel_ids: Sequence[str] = (),
    words: Words = SLACK,
    *,
    referentiel: str | None = None,
    address: str | None = None,
) -> Rich:
    """Why nothing was done; an unknown référentiel lists ``referentiel_ids``, those one
    may enrol people on, and suggests the nearest to the one typed (``referentiel``); an
    unknown person typed as an e-mail ``address`` (the person's, or their manager's when
    the code says the manager was not found) is named."""
    if code == AdminRefusal.UNKNOWN_REFERENTIEL:
        ids = Plain(", ".join(referentiel_ids))
        nearest = closest(referentiel, referentiel_ids) if referentiel else None
        if referentiel and nearest:
            return t.rich(
                "french_habits.unknown_referentiel",
                value=Plain(referentiel),
                suggestion=Plain(nearest),
                ids=ids,
            )
        return t.rich(REFUSALS[code], ids=ids)
    if code in (AdminRefusal.UNKNOWN_USER, UNKNOWN_MANAGER) and address:
        return t.rich(UNKNOWN_ADDRESS, address=Plain(address))
    return t.rich(_refusal_key(code, words))


def usage(key: str, t: Translator) -> Rich:
    """How to write a command that did not read (``key``: one of a :class:`Words`' usages)."""
    return t.rich(key)


def bad_time(value: str, t: Translator) -> Rich:
    """A schedule whose time is no time of day (``25h``, ``9h75``): how to write one."""
    return t.rich("french_habits.bad_time", value=Plain(value))


def enrolled(
    user_id: str,
    referentiel_title: str,
    manager_id: str | None,
    t: Translator,
    *,
    name: str | None = None,
    manager_name: str | None = None,
    previous_title: str | None = None,
) -> Rich:
    """Someone enrolled; ``name`` and ``manager_name`` for a front end that shows people
    by name rather than mention them. ``previous_title``: the référentiel Palier followed
    them on already — the answer says they were enrolled (and moved, if so) rather than
    pretending to enrol them again."""
    person = Mention(user_id, name)
    referentiel = Plain(referentiel_title)
    manager = Mention(manager_id, manager_name) if manager_id is not None else None
    if previous_title is not None and previous_title != referentiel_title:
        text = t.rich(
            "welcome_dm.moved",
            person=person,
            previous=Plain(previous_title),
            referentiel=referentiel,
        )
    elif previous_title is not None:
        if manager is None:
            return t.rich("welcome_dm.already", person=person, referentiel=referentiel)
        return t.rich(
            "welcome_dm.already_manager", person=person, referentiel=referentiel, manager=manager
        )
    else:
        text = t.rich("admin.enrolled", person=person, referentiel=referentiel)
    if manager is None:
        return text
    return Rich.join([text, t.rich("admin.with_manager", manager=manager)], " ")


def removed(user_id: str, t: Translator, *, name: str | None = None) -> Rich:
    return t.rich("admin.removed", person=Mention(user_id, name))


def scheduled(weekday: int, at: time, moved: int, t: Translator, words: Words = SLACK) -> Rich:
    """The workspace's new check-in slot; ``moved``: check-ins not yet sent that follow it."""
    return t.rich_plural(
        words.scheduled,
        moved,
        weekday=Plain(formats.weekday(weekday, t)),
        time=Plain(formats.clock(at, t)),
    )


def _item(text: Rich) -> Rich:
    return Rich("• {item}", {"item": text})


def status(
    workspace: WorkspaceStatus,
    titles: Mapping[str, str],
    timezone: str,
    t: Translator,
    *,
    tick_seconds: int,
    words: Words = SLACK,
    unreachable: Sequence[tuple[str, str | None]] = (),
) -> Rich:
    """The workspace's status: paused delivery first, the counts, the schedule, how often
    Palier looks for check-ins to send (``tick_seconds``), the last week's problems.
    ``titles`` names each référentiel (its id otherwise); moments are in ``timezone``.
    ``unreachable``: the people enrolled Palier cannot write to yet, (user id, name), and
    how to fix it (Teams: install the app for them)."""
    lines: list[Rich] = []
    if workspace.delivery_paused_at is not None:
        since = formats.moment(workspace.delivery_paused_at, timezone, t)
        lines.append(
            t.rich(
                words.delivery_paused,
                since=Plain(since),
                error=Plain(str(workspace.delivery_error)),
            )
        )
    lines.append(
        t.rich(
            words.status,
            enrolled=t.rich_plural("admin.count.enrolled", workspace.enrolled),
            paused=workspace.paused,
            inactive=t.rich_plural("admin.count.inactive", workspace.inactive),
            weekday=Plain(formats.weekday(workspace.checkin_weekday, t)),
            time=Plain(formats.clock(workspace.checkin_time, t)),
        )
    )
    for referentiel_id, count in sorted(workspace.by_referentiel.items()):
        title = titles.get(referentiel_id, referentiel_id)
        lines.append(_item(t.rich("common.label_value", label=Plain(title), value=count)))
    if workspace.participation is not None:
        lines.extend(participation(workspace.participation, titles, t))
    lines.append(t.rich("admin.next_tick", seconds=tick_seconds))
    if unreachable and words.unreachable is not None:
        lines.append(t.rich_plural(words.unreachable, len(unreachable)))
        for user_id, name in unreachable:
            lines.append(_item(Rich("{person}", {"person": Mention(user_id, name)})))
        if words.unreachable_fix is not None:
            lines.append(t.rich(words.unreachable_fix))
    if workspace.recent_errors:
        lines.append(t.rich("admin.errors"))
        for error in workspace.recent_errors:
            who = Rich(
                "{person} ({cycle})",
                {"person": Typed(error.person_name), "cycle": Plain(error.cycle_key)},
            )
            lines.append(_item(t.rich("common.label_value", label=who, value=Plain(error.reason))))
    else:
        lines.append(t.rich("admin.no_errors"))
    return Rich.join(lines)


def _first_names(names: Sequence[str], total: int, t: Translator) -> Rich:
    """The names given (the first of ``total``), then "and N others" for the rest."""
    if total <= len(names):
        return formats.rich_listing([Typed(name) for name in names], t)
    first = Rich.join((Rich("{name}", {"name": Typed(name)}) for name in names), ", ")
    return t.rich_plural("manager_home.and_others", total - len(names), names=first)


def participation(week: Participation, titles: Mapping[str, str], t: Translator) -> list[Rich]:
    """This week's check-ins: done out of asked, by référentiel, the skips, who is late
    (the first names, then how many others)."""
    if not week.asked:
        return [t.rich("admin_status.nobody_asked")]
    asked = t.rich_plural("admin_status.prompted", week.asked)
    lines = [t.rich_plural("admin_status.week", week.done, prompted=asked)]
    for referentiel_id, (done, count) in sorted(week.by_referentiel.items()):
        value = t.rich("admin_status.by_referentiel", done=done, prompted=count)
        label = Plain(titles.get(referentiel_id, referentiel_id))
        lines.append(_item(t.rich("common.label_value", label=label, value=value)))
    if week.skipped:
        lines.append(t.rich_plural("admin_status.skipped", week.skipped))
    hours = Plain(format_decimal(week.reminder_hours, locale=babel_locale(t.locale)))
    if week.late_count:
        people = _first_names(week.late, week.late_count, t)
        lines.append(
            t.rich_plural("admin_status.late", week.late_count, hours=hours, people=people)
        )
    else:
        lines.append(t.rich("admin_status.nobody_late", hours=hours))
    return lines
