"""The 1:1 brief as a neutral card: what a manager (or the person) reads before a 1:1.

Pure functions from a :class:`~bot.domain.one_on_one_views.Brief` and a translator. The
brief shows the period, the check-ins, the level changes, the new evidence, the open
topics, the self/manager gaps and three talking points that quote the référentiel word
for word (a matrix cell, or a certification's evaluation criteria); for the manager, their
private notes and two buttons, "1:1 done" and "Add a note"; for the person themself
(with a manager), "Add a 1:1 topic". The référentiel's words are
:class:`~bot.i18n.rich.Plain`; what people wrote (evidence, topics, notes) is
:class:`~bot.i18n.rich.Typed` and shortened, the brief being a summary; the report is
named as typed in a heading and mentioned in a sentence. The buttons carry only the
report's id and what the brief showed (:class:`DoneValue`); who clicks is checked by
the flow. The answers to the buttons and commands are in :mod:`bot.views.one_on_one_answers`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.domain.one_on_one_views import Brief, LevelChange, PersonRef, ScheduleInfo
from bot.domain.talking_points import Gap, PointReason, TalkingPoint
from bot.i18n import Translator, formats
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Mention, Plain, Rich, Typed
from bot.views import actions
from bot.views.audience import readers_text
from bot.views.cards import Actions, Block, Button, Card, Confirm, Divider, Heading, Note, Paragraph
from bot.views.one_on_one_topics import topic_button
from bot.views.prompt import short_name
from bot.views.referentiel import criteria_lines, descriptor_lines
from referentiels.models import Level, Referentiel
from storage.models import PromptStatus

EXCERPT = 280  # what people wrote, shortened in the brief
EVIDENCE_SHOWN = 8
TOPICS_SHOWN = 15
# A link longer than this is left out of the brief: nobody reads it, and it would crowd
# out the rest (the evidence itself keeps it).
LINK_LIMIT = 750
STATUS_ICONS = {PromptStatus.DONE: "✅", PromptStatus.SKIPPED: "⏭", PromptStatus.MISSED: "❌"}


@dataclass(frozen=True)
class DoneValue:
    """What the "1:1 done" button carries: whom, when the brief was shown, the 1:1 it followed."""

    report_id: int
    shown_at: datetime
    last_seen_id: int | None

    def dump(self) -> str:
        return json.dumps(
            {"r": self.report_id, "s": self.shown_at.isoformat(), "l": self.last_seen_id}
        )

    @classmethod
    def load(cls, text: str | None) -> DoneValue | None:
        """The value back from a click; None when it is not one of ours (forged, garbled)."""
        try:
            data = json.loads(text or "")
            shown_at = datetime.fromisoformat(str(data["s"]))
            last = data.get("l")
            if shown_at.tzinfo is None:
                return None
            return cls(int(data["r"]), shown_at, int(last) if last is not None else None)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def mention(report: PersonRef) -> Mention:
    """The report in a sentence: mentioned by id, so a front end that can shows their
    current name (Slack: ``<@id>``) rather than the one stored at enrolment; a front end
    that cannot (Teams) shows the name stored."""
    return Mention(report.user_id, known_as=report.name)


def display_name(report: PersonRef) -> Typed:
    """The report where no mention can go (a heading, a notification): as they are called."""
    return Typed(report.name or report.user_id)


def local_date(instant: datetime, timezone: str, t: Translator) -> Plain:
    return Plain(formats.local_short_date(instant, timezone, t))


def _excerpt(text: str) -> Typed:
    return Typed(short_name(" ".join(text.split()), EXCERPT))


def _level(referentiel: Referentiel, level: Level, t: Translator) -> Plain:
    return Plain(level_label(referentiel, level, t))


def _heading(key: str, t: Translator, **params: int) -> Rich:
    return Rich("**{title}**", {"title": t.rich(key, **params)})


# -- the sections of a brief ----------------------------------------------------------------


def _checkins(brief: Brief, t: Translator) -> Paragraph:
    lines = [_heading("one_on_one.checkins.title", t)]
    if not brief.checkins:
        return Paragraph((*lines, t.rich("one_on_one.checkins.none")))
    counts = [
        t.rich_plural(f"one_on_one.checkins.{status.value}", brief.count(status))
        for status in (PromptStatus.DONE, PromptStatus.SKIPPED, PromptStatus.MISSED)
    ]
    weeks = [
        Rich(STATUS_ICONS[o.status] + " {week}", {"week": Plain(formats.week(o.cycle_key, t))})
        for o in brief.checkins
    ]
    return Paragraph((*lines, Rich.join(counts, " · "), Rich.join(weeks, " · ")))


def _change_line(change: LevelChange, referentiel: Referentiel, t: Translator) -> Rich:
    rater = t.rich(f"one_on_one.rater.{change.rater.value}")
    competency = Plain(formats.short_label(change.competency))
    after = _level(referentiel, change.after, t)
    if change.before is None:
        return t.rich("one_on_one.changes.first", competency=competency, level=after, rater=rater)
    return t.rich(
        "one_on_one.changes.line",
        competency=competency,
        before=_level(referentiel, change.before, t),
        after=after,
        arrow=Plain("↑" if change.steps > 0 else "↓"),
        rater=rater,
    )


def _changes(brief: Brief, t: Translator) -> Paragraph:
    lines = [_heading("one_on_one.changes.title", t)]
    lines.extend(_change_line(c, brief.referentiel, t) for c in brief.changes)
    if not brief.changes:
        lines.append(t.rich("one_on_one.changes.none"))
    return Paragraph(tuple(lines))


def _link(url: str, t: Translator) -> Rich:
    # "|" ends the address in some markups (Slack's <url|text>); %7C is the same address.
    return t.rich("one_on_one.evidence.link", url=Plain(url.replace("|", "%7C")))


def _evidence(brief: Brief, timezone: str, t: Translator) -> Paragraph:
    lines = [_heading("one_on_one.evidence.title", t, count=len(brief.evidence))]
    if not brief.evidence:
        lines.append(t.rich("one_on_one.evidence.none"))
    for entry in brief.evidence[:EVIDENCE_SHOWN]:
        line = t.rich(
            "one_on_one.evidence.line",
            competency=Plain(short_name(entry.competency_label)),
            date=Plain(formats.short_date(entry.happened_on, t))
            if entry.happened_on
            else local_date(entry.created_at, timezone, t),
            text=_excerpt(entry.text),
        )
        links = [
            _link(url, t)
            for url in (entry.link, entry.source_permalink)
            if url and len(url) < LINK_LIMIT
        ]
        lines.append(Rich.join([line, *links], " · ") if links else line)
    hidden = len(brief.evidence) - EVIDENCE_SHOWN
    if hidden > 0:
        lines.append(t.rich_plural("one_on_one.more", hidden))
    return Paragraph(tuple(lines))


def _topics(brief: Brief, timezone: str, t: Translator) -> Paragraph:
    key = "one_on_one.topics.own_title" if brief.own else "one_on_one.topics.title"
    lines = [_heading(key, t)]
    if not brief.topics:
        lines.append(t.rich("one_on_one.topics.none"))
    lines.extend(
        t.rich(
            "one_on_one.topics.line",
            text=_excerpt(topic.text),
            date=local_date(topic.created_at, timezone, t),
        )
        for topic in brief.topics[:TOPICS_SHOWN]
    )
    hidden = len(brief.topics) - TOPICS_SHOWN
    if hidden > 0:
        lines.append(t.rich_plural("one_on_one.more", hidden))
    return Paragraph(tuple(lines))


def _gap_line(gap: Gap, referentiel: Referentiel, t: Translator) -> Rich:
    return t.rich(
        "one_on_one.gaps.line",
        competency=Plain(formats.short_label(gap.competency)),
        self_level=_level(referentiel, gap.self_level, t),
        manager_level=_level(referentiel, gap.manager_level, t),
        apart=t.rich_plural("one_on_one.gaps.apart", abs(gap.steps)),
    )


def _gaps(brief: Brief, t: Translator) -> Paragraph:
    lines = [_heading("one_on_one.gaps.title", t)]
    lines.extend(_gap_line(gap, brief.referentiel, t) for gap in brief.gaps)
    if not brief.gaps:
        lines.append(t.rich("one_on_one.gaps.none"))
    return Paragraph(tuple(lines))


def _point_detail(point: TalkingPoint, brief: Brief, timezone: str, t: Translator) -> Rich:
    referentiel = brief.referentiel
    own = _level(referentiel, point.self_level, t) if point.self_level else None
    if point.reason is PointReason.GAP and own is not None and point.manager_level:
        return t.rich(
            "one_on_one.points.gap_detail",
            self_level=own,
            manager_level=_level(referentiel, point.manager_level, t),
        )
    if point.reason is PointReason.STAGNATION and own is not None and point.since is not None:
        return t.rich(
            "one_on_one.points.stagnation_detail",
            level=own,
            date=local_date(point.since, timezone, t),
        )
    if own is not None:
        return t.rich("one_on_one.points.level_detail", level=own)
    return t.rich("one_on_one.points.unrated")


def _point(
    index: int, point: TalkingPoint, brief: Brief, timezone: str, t: Translator
) -> Paragraph:
    lines = [
        t.rich(
            "one_on_one.points.heading",
            index=index,
            reason=t.rich(f"one_on_one.points.reason.{point.reason.value}"),
            competency=Plain(formats.short_label(point.competency)),
        ),
        _point_detail(point, brief, timezone, t),
    ]
    if point.descriptor is not None:
        target = _level(brief.referentiel, point.target, t)
        lines.append(t.rich("one_on_one.points.to_reach", level=target))
        lines.extend(descriptor_lines(point.descriptor, t))
    elif point.competency.criteria:
        lines.append(t.rich("one_on_one.points.criteria"))
        lines.extend(criteria_lines(point.competency))
    return Paragraph(tuple(lines))


def _notes(brief: Brief, timezone: str, t: Translator) -> Paragraph:
    lines = [_heading("one_on_one.notes.title", t)]
    if not brief.notes:
        lines.append(t.rich("one_on_one.notes.none"))
    lines.extend(
        t.rich(
            "one_on_one.notes.line",
            date=local_date(note.created_at, timezone, t),
            text=_excerpt(note.text),
        )
        for note in brief.notes
    )
    return Paragraph(tuple(lines))


def schedule_params(schedule: ScheduleInfo, t: Translator) -> dict[str, Rich | Plain]:
    """A recurring 1:1's weekday and local time, as every message about it says them."""
    return {
        "weekday": Plain(formats.weekday(schedule.weekday, t)),
        "time": Plain(formats.clock(schedule.local_time, t)),
    }


def _schedule_line(schedule: ScheduleInfo, t: Translator) -> Rich:
    moment = Plain(formats.moment(schedule.next_meeting_at, schedule.timezone, t))
    return t.rich("one_on_one.schedule.line", **schedule_params(schedule, t), next=moment)


def _period(brief: Brief, timezone: str, t: Translator) -> Rich:
    if brief.last_one_on_one_at is not None:
        date = local_date(brief.last_one_on_one_at, timezone, t)
        period = t.rich("one_on_one.period.since_last", date=date)
    else:
        days = round((brief.generated_at - brief.since).total_seconds() / 86400)
        period = t.rich("one_on_one.period.window", days=days)
    title = Plain(brief.referentiel.title)
    return t.rich("one_on_one.period.context", referentiel=title, period=period)


def action_buttons(brief: Brief, t: Translator) -> Actions:
    """1:1 done (confirmed first: it closes the topics shown) and Add a note."""
    done = DoneValue(brief.report.person_id, brief.generated_at, brief.last_one_on_one_id)
    confirm = Confirm(
        t.rich("one_on_one.done.confirm_title"),
        t.rich_plural("one_on_one.done.confirm_text", len(brief.topics)),
        t.rich("one_on_one.done.confirm_yes"),
        t.rich("one_on_one.done.confirm_no"),
    )
    return Actions(
        actions.ONE_ON_ONE_ACTIONS,
        (
            Button(
                t.rich("one_on_one.button.done"),
                actions.ONE_ON_ONE_DONE,
                done.dump(),
                primary=True,
                confirm=confirm,
            ),
            Button(
                t.rich("one_on_one.button.note"),
                actions.ONE_ON_ONE_NOTE,
                str(brief.report.person_id),
            ),
        ),
    )


def brief_fallback(brief: Brief, t: Translator) -> Rich:
    """What a notification of the brief says."""
    if brief.own:
        return t.rich("one_on_one.fallback_own")
    return t.rich("one_on_one.fallback", name=display_name(brief.report))


def brief_card(
    brief: Brief, timezone: str, t: Translator, *, meeting_at: datetime | None = None
) -> Card:
    """The brief: period, check-ins, level changes, evidence, topics, gaps, talking points,
    then (for the manager) their private notes and the buttons, and who sees it.

    ``meeting_at``: the scheduled 1:1 this brief prepares (the recurring brief's DM).
    Where a platform cannot show it all, what comes last is kept (the notes, the buttons,
    who sees it): the quoted référentiel goes first, the facts stay.
    """
    if brief.own:
        title = t.rich("one_on_one.title_own")
    else:
        title = t.rich("one_on_one.title", name=display_name(brief.report))
    blocks: list[Block] = [Heading(title)]
    if meeting_at is not None:
        moment = Plain(formats.moment(meeting_at, timezone, t))
        intro = t.rich("one_on_one.scheduled_intro", name=mention(brief.report), moment=moment)
        blocks.append(Paragraph((intro,)))
    context = [_period(brief, timezone, t)]
    if brief.schedule is not None:
        context.append(_schedule_line(brief.schedule, t))
    blocks.append(Note(Rich.join(context, " · ")))
    blocks.extend(
        [
            _checkins(brief, t),
            _changes(brief, t),
            _evidence(brief, timezone, t),
            _topics(brief, timezone, t),
            _gaps(brief, t),
        ]
    )
    if brief.points:
        blocks.append(Divider())
        blocks.append(Paragraph((_heading("one_on_one.points.title", t),)))
        blocks.extend(
            _point(index, point, brief, timezone, t)
            for index, point in enumerate(brief.points, start=1)
        )
    tail: list[Block] = []
    manager = brief.can_act and not brief.own
    if manager:
        tail.extend([Divider(), _notes(brief, timezone, t), action_buttons(brief, t)])
    privacy = (
        "one_on_one.privacy_manager"
        if manager
        else "one_on_one.privacy_own"
        if brief.own
        else "one_on_one.privacy"
    )
    if brief.own:
        if brief.raises_topics:
            tail.append(Actions(actions.ONE_ON_ONE_ACTIONS, (topic_button(t),)))
        tail.append(Note(t.rich(privacy, readers=readers_text(brief.readers, t))))
    else:
        tail.append(Note(t.rich(privacy)))
    return Card(brief_fallback(brief, t), (*blocks, *tail), keep_last=len(tail))
