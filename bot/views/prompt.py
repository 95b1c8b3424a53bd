"""The weekly prompt in a person's DM, and the states it turns into, as neutral cards.

The prompt names the week's competencies (a long certification title shortened: the
check-in quotes it whole) with Start, Skip (confirmed first) and Remind me later; its
reminder and its return after a snooze keep the buttons; once done or missed it keeps
none, once skipped it still offers to check in while the week is open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.checkin import CheckinForm
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


def buttons(form: CheckinForm, t: Translator, *, with_skip: bool = True) -> Actions:
    value = str(form.prompt_id)
    start = Button(t.rich("prompt.start"), actions.START_CHECKIN, value, primary=True)
    snooze = Button(t.rich("prompt.snooze"), actions.SNOOZE_CHECKIN, value)
    confirm = Confirm(
        t.rich("prompt.skip_confirm_title"),
        t.rich("prompt.skip_confirm_text"),
        t.rich("prompt.skip_confirm_yes"),
        t.rich("prompt.skip_confirm_no"),
    )
    skip = Button(t.rich("prompt.skip"), actions.SKIP_CHECKIN, value, confirm=confirm)
    row = (start, skip, snooze) if with_skip else (start, snooze)
    return Actions(actions.PROMPT_ACTIONS, row)


def _context(form: CheckinForm, timezone: str, t: Translator) -> Note:
    title = Plain(form.referentiel.title)
    return Note(t.rich("prompt.context", referentiel=title, deadline=deadline(form, timezone, t)))


def fallback(form: CheckinForm, t: Translator) -> Rich:
    """What a notification of any of the prompt's messages says."""
    return t.rich("prompt.fallback", week=_week(form, t))


def _card(form: CheckinForm, t: Translator, *blocks: Paragraph | Note | Actions) -> Card:
    return Card(fallback(form, t), blocks)


def prompt_card(form: CheckinForm, timezone: str, t: Translator) -> Card:
    """The weekly prompt: this week's competencies and Start / Skip / Remind me later."""
    intro = t.rich("prompt.intro", week=_week(form, t), competencies=competency_list(form))
    return _card(
        form,
        t,
        Paragraph((intro,)),
        Note(t.rich("prompt.how"), literal=True),
        buttons(form, t),
        _context(form, timezone, t),
    )


def reminder_card(form: CheckinForm, timezone: str, t: Translator, *, after_snooze: bool) -> Card:
    """The one reminder, or the return of a snoozed prompt, with the same buttons."""
    key = "prompt.snooze_back" if after_snooze else "prompt.reminder"
    text = t.rich(key, week=_week(form, t), competencies=competency_list(form))
    return _card(form, t, Paragraph((text,)), buttons(form, t), _context(form, timezone, t))


def done_card(form: CheckinForm, t: Translator) -> Card:
    """The prompt once the check-in is saved: no buttons left."""
    return _card(form, t, Paragraph((t.rich("prompt.done", week=_week(form, t)),)))


def skipped_card(form: CheckinForm, timezone: str, t: Translator) -> Card:
    """The prompt once skipped: the person may still check in while the week is open."""
    text = t.rich("prompt.skipped", week=_week(form, t), deadline=deadline(form, timezone, t))
    return _card(form, t, Paragraph((text,)), buttons(form, t, with_skip=False))


def snoozed_card(form: CheckinForm, until: datetime, timezone: str, t: Translator) -> Card:
    """The prompt once snoozed: says when it comes back, keeps its buttons."""
    text = t.rich("prompt.snoozed", until=Plain(formats.moment(until, timezone, t)))
    return _card(form, t, Paragraph((text,)), buttons(form, t), _context(form, timezone, t))


def missed_card(form: CheckinForm, t: Translator) -> Card:
    """The prompt once its week closed unanswered."""
    return _card(form, t, Paragraph((t.rich("prompt.missed", week=_week(form, t)),)))
