"""The weekly prompt in a person's DM, and the states it turns into, as neutral cards.

The prompt names the week's competencies (a long certification title shortened: the
check-in quotes it whole) with Start, Skip (confirmed first) and the snooze choices still
open (in an hour, this evening, tomorrow morning: :mod:`bot.domain.snooze`, none once too
late in the week); its reminder and its return after a snooze keep the buttons; once done
or missed it keeps none, once skipped it still offers to check in while the week is open.
Once a snoozed prompt came back in a new message, the first one says so (no buttons);
when the week closes, only the latest message says it closed, the earlier one points to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.checkin import CheckinForm
from bot.domain.snooze import SnoozeChoice, SnoozeOption
from bot.i18n import Translator, formats
from bot.i18n.rich import Plain, Rich
from bot.views import actions
from bot.views.cards import Actions, Button, Card, Confirm, Note, Paragraph

NAME_LIMIT = 90  # a certification's competency can be a 250-character sentence


def short_name(label: str, limit: int = NAME_LIMIT) -> str:
    """The label whole when short, else cut at a word with "…" (the modal quotes it whole)."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def competency_list(form: CheckinForm) -> Rich:
    """The week's competencies as **A**, **B**, **C** (long names shortened)."""
    return Rich.join(
        (
            Rich("**{name}**", {"name": Plain(formats.short_label(item.competency))})
            for item in form.items
        ),
        ", ",
    )


def deadline(form: CheckinForm, timezone: str, t: Translator) -> Plain:
    # The cycle ends at midnight; the last minute inside it reads better.
    return Plain(formats.moment(form.closes_at - timedelta(minutes=1), timezone, t))


def _week(form: CheckinForm, t: Translator) -> Plain:
    return Plain(formats.week(form.cycle_key, t))


def _snooze_label(option: SnoozeOption, timezone: str, t: Translator) -> Rich:
    if option.choice is SnoozeChoice.HOUR:
        return t.rich("snooze_choices.hour")
    at = Plain(formats.clock(option.until.astimezone(ZoneInfo(timezone)).time(), t))
    return t.rich(f"snooze_choices.{option.choice.value}", time=at)


def snooze_buttons(
    form: CheckinForm, snooze: Sequence[SnoozeOption], timezone: str, t: Translator
) -> tuple[Button, ...]:
    """One button per snooze choice still open; its key names the choice (re-checked
    when clicked: the card may be read hours later)."""
    value = str(form.prompt_id)
    return tuple(
        Button(_snooze_label(o, timezone, t), actions.SNOOZE_CHECKIN, value, key=o.choice.value)
        for o in snooze
    )


def buttons(
    form: CheckinForm,
    t: Translator,
    snooze: Sequence[SnoozeOption],
    timezone: str,
    *,
    with_skip: bool = True,
) -> Actions:
    value = str(form.prompt_id)
    start = Button(t.rich("prompt.start"), actions.START_CHECKIN, value, primary=True)
    confirm = Confirm(
        t.rich("prompt.skip_confirm_title"),
        t.rich("prompt.skip_confirm_text"),
        t.rich("prompt.skip_confirm_yes"),
        t.rich("prompt.skip_confirm_no"),
    )
    skip = Button(t.rich("prompt.skip"), actions.SKIP_CHECKIN, value, confirm=confirm)
    later = snooze_buttons(form, snooze, timezone, t)
    row = (start, skip, *later) if with_skip else (start, *later)
    return Actions(actions.PROMPT_ACTIONS, row)


def _context(form: CheckinForm, timezone: str, t: Translator) -> Note:
    title = Plain(form.referentiel.title)
    return Note(t.rich("prompt.context", referentiel=title, deadline=deadline(form, timezone, t)))


def fallback(form: CheckinForm, t: Translator) -> Rich:
    """What a notification of any of the prompt's messages says."""
    return t.rich("prompt.fallback", week=_week(form, t))


def _card(form: CheckinForm, t: Translator, *blocks: Paragraph | Note | Actions) -> Card:
    return Card(fallback(form, t), blocks)


def prompt_card(
    form: CheckinForm, timezone: str, t: Translator, *, snooze: Sequence[SnoozeOption]
) -> Card:
    """The weekly prompt: this week's competencies and Start / Skip / the snooze choices."""
    intro = t.rich("prompt.intro", week=_week(form, t), competencies=competency_list(form))
    return _card(
        form,
        t,
        Paragraph((intro,)),
        Note(t.rich("prompt.how"), literal=True),
        buttons(form, t, snooze, timezone),
        _context(form, timezone, t),
    )


def reminder_card(
    form: CheckinForm,
    timezone: str,
    t: Translator,
    *,
    after_snooze: bool,
    snooze: Sequence[SnoozeOption],
) -> Card:
    """The one reminder, or the return of a snoozed prompt, with the same buttons."""
    key = "prompt.snooze_back" if after_snooze else "prompt.reminder"
    text = t.rich(key, week=_week(form, t), competencies=competency_list(form))
    row = buttons(form, t, snooze, timezone)
    return _card(form, t, Paragraph((text,)), row, _context(form, timezone, t))


def done_card(form: CheckinForm, t: Translator) -> Card:
    """The prompt once the check-in is saved: no buttons left."""
    return _card(form, t, Paragraph((t.rich("prompt.done", week=_week(form, t)),)))


def skipped_card(
    form: CheckinForm, timezone: str, t: Translator, *, snooze: Sequence[SnoozeOption]
) -> Card:
    """The prompt once skipped: the person may still check in while the week is open."""
    text = t.rich("prompt.skipped", week=_week(form, t), deadline=deadline(form, timezone, t))
    row = buttons(form, t, snooze, timezone, with_skip=False)
    return _card(form, t, Paragraph((text,)), row)


def snoozed_card(
    form: CheckinForm,
    until: datetime,
    timezone: str,
    t: Translator,
    *,
    snooze: Sequence[SnoozeOption],
) -> Card:
    """The prompt once snoozed: says when it comes back, keeps its buttons."""
    text = t.rich("prompt.snoozed", until=Plain(formats.moment(until, timezone, t)))
    row = buttons(form, t, snooze, timezone)
    return _card(form, t, Paragraph((text,)), row, _context(form, timezone, t))


def came_back_card(form: CheckinForm, until: datetime, timezone: str, t: Translator) -> Card:
    """The first message once its snoozed prompt came back in a new one: no buttons."""
    text = t.rich("snooze_choices.came_back", until=Plain(formats.moment(until, timezone, t)))
    return _card(form, t, Paragraph((text,)))


def earlier_card(form: CheckinForm, t: Translator) -> Card:
    """An earlier message of a prompt whose week closed: the latest one says it closed."""
    return _card(form, t, Paragraph((t.rich("snooze_choices.earlier", week=_week(form, t)),)))


def missed_card(form: CheckinForm, t: Translator) -> Card:
    """The prompt once its week closed unanswered."""
    return _card(form, t, Paragraph((t.rich("prompt.missed", week=_week(form, t)),)))
