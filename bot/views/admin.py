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
from datetime import time

from bot.domain.admin import AdminRefusal, WorkspaceStatus
from bot.i18n import Translator
from bot.i18n.referentiel_text import local_moment
from bot.i18n.rich import Mention, Plain, Rich, Typed

# The flows' refusals, in the catalog's words: the policy's (AdminRefusal), and the
# flows' own codes ``bot.app.admin.NOT_ADMIN`` and ``bot.app.enrolment.DIRECTORY_FAILED``
# (their values: views may not import the flows above them).
REFUSALS = {"not_admin": "admin.refused", "directory_failed": "error"} | {
    refusal.value: f"admin.refusal.{refusal.value}" for refusal in AdminRefusal
}


def refusal(code: str, t: Translator, referentiel_ids: Sequence[str] = ()) -> Rich:
    """Why nothing was done; an unknown référentiel lists ``referentiel_ids``, those one
    may enrol people on."""
    if code == AdminRefusal.UNKNOWN_REFERENTIEL:
        return t.rich(REFUSALS[code], ids=Plain(", ".join(referentiel_ids)))
    return t.rich(REFUSALS[code])


def enrolled(user_id: str, referentiel_title: str, manager_id: str | None, t: Translator) -> Rich:
    text = t.rich("admin.enrolled", person=Mention(user_id), referentiel=Plain(referentiel_title))
    if manager_id is None:
        return text
    return Rich.join([text, t.rich("admin.with_manager", manager=Mention(manager_id))], " ")


def removed(user_id: str, t: Translator) -> Rich:
    return t.rich("admin.removed", person=Mention(user_id))


def scheduled(weekday: int, at: time, moved: int, t: Translator) -> Rich:
    """The workspace's new check-in slot; ``moved``: check-ins not yet sent that follow it."""
    return t.rich(
        "admin.scheduled",
        weekday=t.rich(f"calendar.weekday.{weekday}"),
        time=Plain(at.strftime("%H:%M")),
        moved=moved,
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
) -> Rich:
    """The workspace's status: paused delivery first, the counts, the schedule, how often
    Palier looks for check-ins to send (``tick_seconds``), the last week's problems.
    ``titles`` names each référentiel (its id otherwise); moments are in ``timezone``."""
    lines: list[Rich] = []
    if workspace.delivery_paused_at is not None:
        since = local_moment(workspace.delivery_paused_at, timezone, t)
        lines.append(
            t.rich(
                "admin.delivery_paused",
                since=Plain(since),
                error=Plain(str(workspace.delivery_error)),
            )
        )
    lines.append(
        t.rich(
            "admin.status",
            enrolled=workspace.enrolled,
            paused=workspace.paused,
            inactive=workspace.inactive,
            weekday=t.rich(f"calendar.weekday.{workspace.checkin_weekday}"),
            time=Plain(workspace.checkin_time.strftime("%H:%M")),
        )
    )
    for referentiel_id, count in sorted(workspace.by_referentiel.items()):
        title = titles.get(referentiel_id, referentiel_id)
        lines.append(_item(t.rich("common.label_value", label=Plain(title), value=count)))
    lines.append(t.rich("admin.next_tick", seconds=tick_seconds))
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
