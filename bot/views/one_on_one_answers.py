"""The answers around a 1:1 brief, as neutral cards and forms.

What a manager is told after "1:1 done" (when, and what happens to the topics), after
scheduling or stopping a recurring 1:1, or when the 1:1 flow refuses; the private-note
form and what it turns into once the note is stored. Each answer is only for the one
who asked; the report is mentioned (:func:`bot.views.one_on_one.mention`).
"""

from __future__ import annotations

from bot.domain.one_on_one_views import PersonRef, Recorded, ScheduleInfo
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator, formats
from bot.i18n.rich import Plain, Rich
from bot.views import actions
from bot.views.cards import Card, Form, Note, Paragraph, TextField
from bot.views.one_on_one import mention, schedule_params


def _answer(*lines: Rich) -> Card:
    return Card(Rich.join(lines), (Paragraph(lines),))


def refused_card(key: str, t: Translator) -> Card:
    """A refusal of the 1:1 flow, ``key`` its catalog message (the flow's ``refusal_key``)."""
    return _answer(t.rich(key))


def recorded_card(recorded: Recorded, timezone: str, t: Translator) -> Card:
    """The answer to "1:1 done": when, and what happens to the topics."""
    moment = Plain(formats.moment(recorded.held_at, timezone, t))
    lines = [
        t.rich("one_on_one.done.recorded", name=mention(recorded.report), moment=moment),
        t.rich_plural("one_on_one.done.discussed", recorded.topics_discussed),
    ]
    if recorded.topics_left:
        lines.append(t.rich_plural("one_on_one.done.carried_over", recorded.topics_left))
    return _answer(*lines)


def schedule_set_card(report: PersonRef, schedule: ScheduleInfo, t: Translator) -> Card:
    """The answer to ``1on1 @member schedule <day> <HH:MM>``: when, and the first one."""
    return _answer(
        t.rich(
            "one_on_one.schedule.set",
            name=mention(report),
            **schedule_params(schedule, t),
            zone=Plain(schedule.timezone),
            first=Plain(formats.moment(schedule.next_meeting_at, schedule.timezone, t)),
        )
    )


def schedule_stopped_card(report: PersonRef, existed: bool, t: Translator) -> Card:
    """The answer to ``1on1 @member schedule off`` (``existed``: there was one to stop)."""
    key = "one_on_one.schedule.off" if existed else "one_on_one.schedule.none"
    return _answer(t.rich(key, name=mention(report)))


def note_form(report: PersonRef, t: Translator) -> Form:
    """The private note about ``report``; the form carries the report's id (checked again
    on submit)."""
    return Form(
        actions.ONE_ON_ONE_NOTE_FORM,
        t.rich("one_on_one.note.title"),
        t.rich("one_on_one.note.close"),
        (
            Paragraph((t.rich("one_on_one.note.intro", name=mention(report)),)),
            TextField(
                actions.ONE_ON_ONE_NOTE_TEXT,
                t.rich("one_on_one.note.label"),
                multiline=True,
                max_length=MAX_TEXT,
                placeholder=t.rich("one_on_one.note.placeholder"),
            ),
            Note(t.rich("one_on_one.note.privacy")),
        ),
        submit=t.rich("one_on_one.note.submit"),
        state=str(report.person_id),
    )


def note_saved_form(t: Translator) -> Form:
    """What the note form turns into once the note is stored: only read, then closed."""
    return Form(
        actions.ONE_ON_ONE_NOTE_SAVED,
        t.rich("one_on_one.note.title"),
        t.rich("one_on_one.note.ok"),
        (Paragraph((t.rich("one_on_one.note.saved"),)),),
    )
