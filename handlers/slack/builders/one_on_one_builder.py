"""The 1:1 brief as a Slack message, the private-note modal, and the 1:1 answers.

Pure functions from a :class:`~bot.domain.one_on_one_views.Brief` (or a record) and a
translator to ``slack_sdk.models`` blocks and views, so Slack's limits are checked
when they are serialised. The talking points quote the référentiel word for word
(a matrix cell, or a certification's evaluation criteria) with the helpers of
:mod:`handlers.slack.builders.mrkdwn`; what people wrote (evidence, topics, notes)
goes through ``user_text`` (escaped, never formatting) and is shortened, the brief being a summary. The buttons carry only the
report's id and what the brief showed; who clicks is checked by the service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.one_on_one_views import Brief, LevelChange, PersonRef, Recorded, ScheduleInfo
from bot.domain.submissions import MAX_TEXT
from bot.domain.talking_points import Gap, PointReason, TalkingPoint
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label, local_moment, week_label
from bot.views.prompt import short_name
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import (
    SECTION_LIMIT,
    criteria_lines,
    descriptor_lines,
    escape,
    sections,
    user_text,
)
from referentiels.models import Level, Referentiel
from storage.models import PromptStatus

HEADER_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50
EXCERPT = 280  # what people wrote, shortened in the brief
EVIDENCE_SHOWN = 8
TOPICS_SHOWN = 15
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


def report_name(report: PersonRef) -> str:
    """How a report is named in mrkdwn: a mention, which Slack shows as their name."""
    return f"<@{report.user_id}>"


def plain_name(report: PersonRef) -> str:
    """How a report is named in plain text (a header, a modal title)."""
    return report.name or report.user_id


def local_date(instant: datetime, timezone: str, t: Translator) -> str:
    local = instant.astimezone(ZoneInfo(timezone))
    return t("one_on_one.date", day=local.day, month=local.month, year=local.year)


def _excerpt(text: str) -> str:
    return user_text(short_name(" ".join(text.split()), EXCERPT))


def _level(referentiel: Referentiel, level: Level, t: Translator) -> str:
    return escape(level_label(referentiel, level, t))


def _heading(key: str, t: Translator, **params: object) -> str:
    return f"*{t(key, **params)}*"


# -- the sections of a brief ----------------------------------------------------------------


def _checkins(brief: Brief, t: Translator) -> str:
    lines = [_heading("one_on_one.checkins.title", t)]
    if not brief.checkins:
        lines.append(t("one_on_one.checkins.none"))
        return "\n".join(lines)
    lines.append(
        " · ".join(
            [
                t.plural("one_on_one.checkins.done", brief.count(PromptStatus.DONE)),
                t.plural("one_on_one.checkins.skipped", brief.count(PromptStatus.SKIPPED)),
                t.plural("one_on_one.checkins.missed", brief.count(PromptStatus.MISSED)),
            ]
        )
    )
    lines.append(
        " · ".join(f"{STATUS_ICONS[o.status]} {week_label(o.cycle_key, t)}" for o in brief.checkins)
    )
    return "\n".join(lines)


def _change_line(change: LevelChange, referentiel: Referentiel, t: Translator) -> str:
    rater = t(f"one_on_one.rater.{change.rater.value}")
    competency = escape(change.competency.label)
    after = _level(referentiel, change.after, t)
    if change.before is None:
        return t("one_on_one.changes.first", competency=competency, level=after, rater=rater)
    return t(
        "one_on_one.changes.line",
        competency=competency,
        before=_level(referentiel, change.before, t),
        after=after,
        arrow="↑" if change.steps > 0 else "↓",
        rater=rater,
    )


def _changes(brief: Brief, t: Translator) -> str:
    lines = [_heading("one_on_one.changes.title", t)]
    lines.extend(_change_line(c, brief.referentiel, t) for c in brief.changes)
    if not brief.changes:
        lines.append(t("one_on_one.changes.none"))
    return "\n".join(lines)


def _link(url: str, t: Translator) -> str:
    # "|" would end the address in Slack's <url|text>; %7C is the same address.
    return t("one_on_one.evidence.link", url=escape(url.replace("|", "%7C")))


def _evidence(brief: Brief, timezone: str, t: Translator) -> str:
    lines = [_heading("one_on_one.evidence.title", t, count=len(brief.evidence))]
    if not brief.evidence:
        lines.append(t("one_on_one.evidence.none"))
    for entry in brief.evidence[:EVIDENCE_SHOWN]:
        line = t(
            "one_on_one.evidence.line",
            competency=escape(short_name(entry.competency_label)),
            date=local_date(entry.created_at, timezone, t),
            text=_excerpt(entry.text),
        )
        for url in (entry.link, entry.source_permalink):
            if url and len(url) < SECTION_LIMIT // 4:  # an absurdly long link would not fit
                line += " · " + _link(url, t)
        lines.append(line)
    hidden = len(brief.evidence) - EVIDENCE_SHOWN
    if hidden > 0:
        lines.append(t.plural("one_on_one.more", hidden))
    return "\n".join(lines)


def _topics(brief: Brief, timezone: str, t: Translator) -> str:
    key = "one_on_one.topics.own_title" if brief.own else "one_on_one.topics.title"
    lines = [_heading(key, t)]
    if not brief.topics:
        lines.append(t("one_on_one.topics.none"))
    for topic in brief.topics[:TOPICS_SHOWN]:
        lines.append(
            t(
                "one_on_one.topics.line",
                text=_excerpt(topic.text),
                date=local_date(topic.created_at, timezone, t),
            )
        )
    hidden = len(brief.topics) - TOPICS_SHOWN
    if hidden > 0:
        lines.append(t.plural("one_on_one.more", hidden))
    return "\n".join(lines)


def _gap_line(gap: Gap, referentiel: Referentiel, t: Translator) -> str:
    return t(
        "one_on_one.gaps.line",
        competency=escape(gap.competency.label),
        self_level=_level(referentiel, gap.self_level, t),
        manager_level=_level(referentiel, gap.manager_level, t),
        apart=t.plural("one_on_one.gaps.apart", abs(gap.steps)),
    )


def _gaps(brief: Brief, t: Translator) -> str:
    lines = [_heading("one_on_one.gaps.title", t)]
    lines.extend(_gap_line(gap, brief.referentiel, t) for gap in brief.gaps)
    if not brief.gaps:
        lines.append(t("one_on_one.gaps.none"))
    return "\n".join(lines)


def _point_detail(point: TalkingPoint, brief: Brief, timezone: str, t: Translator) -> str:
    referentiel = brief.referentiel
    own = _level(referentiel, point.self_level, t) if point.self_level else None
    if point.reason is PointReason.GAP and point.self_level and point.manager_level:
        return t(
            "one_on_one.points.gap_detail",
            self_level=own,
            manager_level=_level(referentiel, point.manager_level, t),
        )
    if point.reason is PointReason.STAGNATION and own and point.since is not None:
        return t(
            "one_on_one.points.stagnation_detail",
            level=own,
            date=local_date(point.since, timezone, t),
        )
    if own:
        return t("one_on_one.points.level_detail", level=own)
    return t("one_on_one.points.unrated")


def _point(index: int, point: TalkingPoint, brief: Brief, timezone: str, t: Translator) -> str:
    lines = [
        t(
            "one_on_one.points.heading",
            index=index,
            reason=t(f"one_on_one.points.reason.{point.reason.value}"),
            competency=escape(point.competency.label),
        ),
        _point_detail(point, brief, timezone, t),
    ]
    if point.descriptor is not None:
        lines.append(
            t("one_on_one.points.to_reach", level=_level(brief.referentiel, point.target, t))
        )
        lines.extend(descriptor_lines(point.descriptor, t))
    elif point.competency.criteria:
        lines.append(t("one_on_one.points.criteria"))
        lines.extend(criteria_lines(point.competency))
    return "\n".join(lines)


def _notes(brief: Brief, timezone: str, t: Translator) -> str:
    lines = [_heading("one_on_one.notes.title", t)]
    if not brief.notes:
        lines.append(t("one_on_one.notes.none"))
    for note in brief.notes:
        lines.append(
            t(
                "one_on_one.notes.line",
                date=local_date(note.created_at, timezone, t),
                text=_excerpt(note.text),
            )
        )
    return "\n".join(lines)


def _schedule_line(schedule: ScheduleInfo, t: Translator) -> str:
    return t(
        "one_on_one.schedule.line",
        weekday=t(f"calendar.weekday.{schedule.weekday}"),
        time=schedule.local_time.strftime("%H:%M"),
        next=local_moment(schedule.next_meeting_at, schedule.timezone, t),
    )


def _period(brief: Brief, timezone: str, t: Translator) -> str:
    if brief.last_one_on_one_at is not None:
        period = t(
            "one_on_one.period.since_last",
            date=local_date(brief.last_one_on_one_at, timezone, t),
        )
    else:
        days = round((brief.generated_at - brief.since).total_seconds() / 86400)
        period = t("one_on_one.period.window", days=days)
    return t("one_on_one.period.context", referentiel=brief.referentiel.title, period=period)


def action_buttons(brief: Brief, t: Translator) -> ActionsBlock:
    """1:1 done (with Slack's confirmation) and Add a note; the manager's only."""
    done = DoneValue(brief.report.person_id, brief.generated_at, brief.last_one_on_one_id)
    confirm_text = t.plural("one_on_one.done.confirm_text", len(brief.topics))
    return ActionsBlock(
        block_id=ids.ONE_ON_ONE_ACTIONS_BLOCK,
        elements=[
            ButtonElement(
                text=t("one_on_one.button.done"),
                action_id=ids.ONE_ON_ONE_DONE,
                value=done.dump(),
                style="primary",
                confirm=ConfirmObject(
                    title=t("one_on_one.done.confirm_title"),
                    text=confirm_text,
                    confirm=t("one_on_one.done.confirm_yes"),
                    deny=t("one_on_one.done.confirm_no"),
                ),
            ),
            ButtonElement(
                text=t("one_on_one.button.note"),
                action_id=ids.ONE_ON_ONE_NOTE,
                value=str(brief.report.person_id),
            ),
        ],
    )


def brief_text(brief: Brief, t: Translator) -> str:
    """The notification text of a brief (shown where blocks are not)."""
    if brief.own:
        return t("one_on_one.fallback_own")
    return t("one_on_one.fallback", name=user_text(plain_name(brief.report)))


def brief_blocks(
    brief: Brief, timezone: str, t: Translator, *, meeting_at: datetime | None = None
) -> list[Block]:
    """The brief: period, check-ins, level changes, evidence, topics, gaps, talking points,
    then (for the manager) their private notes and the buttons.

    ``meeting_at``: the scheduled 1:1 this brief prepares (the tick's DM). Stays within
    a message's 50 blocks whatever the référentiel: the talking points are cut first.
    """
    if brief.own:
        title = t("one_on_one.title_own")
    else:
        title = t("one_on_one.title", name=plain_name(brief.report))
    head: list[Block] = [HeaderBlock(text=title[:HEADER_LIMIT])]
    if meeting_at is not None:
        head.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=t(
                        "one_on_one.scheduled_intro",
                        name=report_name(brief.report),
                        moment=local_moment(meeting_at, timezone, t),
                    )
                )
            )
        )
    context = [_period(brief, timezone, t)]
    if brief.schedule is not None:
        context.append(_schedule_line(brief.schedule, t))
    head.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(context))]))

    body: list[Block] = []
    for text in (
        _checkins(brief, t),
        _changes(brief, t),
        _evidence(brief, timezone, t),
        _topics(brief, timezone, t),
        _gaps(brief, t),
    ):
        body.extend(sections(text))
    points: list[Block] = []
    if brief.points:
        points.append(DividerBlock())
        points.extend(sections(_heading("one_on_one.points.title", t)))
        for index, point in enumerate(brief.points, start=1):
            points.extend(sections(_point(index, point, brief, timezone, t)))

    tail: list[Block] = []
    if brief.can_act and not brief.own:
        tail.append(DividerBlock())
        tail.extend(sections(_notes(brief, timezone, t)))
        tail.append(action_buttons(brief, t))
    privacy = "one_on_one.privacy_own" if brief.own else "one_on_one.privacy"
    if brief.can_act and not brief.own:
        privacy = "one_on_one.privacy_manager"
    tail.append(ContextBlock(elements=[MarkdownTextObject(text=t(privacy))]))

    room = MESSAGE_BLOCK_LIMIT - len(head) - len(tail)
    # Only with absurdly long texts: the quoted référentiel goes first, the facts stay.
    return head + (body + points)[:room] + tail


# -- answers ---------------------------------------------------------------------------------


def recorded_text(recorded: Recorded, timezone: str, t: Translator) -> str:
    """The answer to "1:1 done": when, and what happens to the topics."""
    lines = [
        t(
            "one_on_one.done.recorded",
            name=report_name(recorded.report),
            moment=local_moment(recorded.held_at, timezone, t),
        ),
        t.plural("one_on_one.done.discussed", recorded.topics_discussed),
    ]
    if recorded.topics_left:
        lines.append(t.plural("one_on_one.done.carried_over", recorded.topics_left))
    return "\n".join(lines)


def schedule_set_text(report: PersonRef, schedule: ScheduleInfo, t: Translator) -> str:
    """The answer to ``1on1 @member schedule <day> <HH:MM>``."""
    return t(
        "one_on_one.schedule.set",
        name=report_name(report),
        weekday=t(f"calendar.weekday.{schedule.weekday}"),
        time=schedule.local_time.strftime("%H:%M"),
        zone=schedule.timezone,
        first=local_moment(schedule.next_meeting_at, schedule.timezone, t),
    )


def note_modal(report: PersonRef, t: Translator) -> View:
    """The private note modal; ``private_metadata`` is the report's id (checked again on submit)."""
    return View(
        type="modal",
        callback_id=ids.ONE_ON_ONE_NOTE_VIEW,
        private_metadata=str(report.person_id),
        title=t("one_on_one.note.title"),
        submit=t("one_on_one.note.submit"),
        close=t("one_on_one.note.close"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=t("one_on_one.note.intro", name=report_name(report)))
            ),
            InputBlock(
                block_id=ids.ONE_ON_ONE_NOTE_BLOCK,
                label=t("one_on_one.note.label"),
                element=PlainTextInputElement(
                    action_id=ids.ONE_ON_ONE_NOTE_ACTION,
                    multiline=True,
                    max_length=MAX_TEXT,
                    placeholder=t("one_on_one.note.placeholder"),
                ),
            ),
            ContextBlock(elements=[MarkdownTextObject(text=t("one_on_one.note.privacy"))]),
        ],
    )


def note_saved_view(t: Translator) -> View:
    """What the modal turns into once the note is stored."""
    return View(
        type="modal",
        callback_id=ids.ONE_ON_ONE_NOTE_SAVED_VIEW,
        title=t("one_on_one.note.title"),
        close=t("one_on_one.note.ok"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=t("one_on_one.note.saved")))],
    )
