"""The App Home (Slack's Home tab) and the modals it opens: pause, day and time, language.

Pure functions from a :class:`~bot.domain.home.Home` and a translator to
``slack_sdk.models`` views. The Home stays within Slack's limits for a view
(100 blocks, 3,000 characters a section …) whatever the size of the référentiel
and of the history: competencies are summarised one line each, one section per
bloc or activity (split at line ends when long), rather than a block each; the
history is the last few self-ratings as short level names; evidence is shown a
page at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.domain.home import CompetencyStatus, EvidenceEntry, Home, Schedule, short_level_labels
from bot.i18n import LOCALES, Locale, Translator
from bot.i18n.referentiel_text import level_label, local_moment, week_label
from bot.views.prompt import short_name
from handlers.slack import ids
from handlers.slack.builders.mrkdwn import SECTION_LIMIT, escape, sections
from referentiels.models import Group, Referentiel

VIEW_BLOCK_LIMIT = 100
HEADER_LIMIT = 150
EXCERPT_LIMIT = 200  # evidence text on the Home (the whole text is in the edit modal)
CONFIRM_EXCERPT_LIMIT = 120  # a confirmation's text is limited to 300 characters


@dataclass(frozen=True)
class HomeMetadata:
    """What the Home carries (its ``private_metadata``): the evidence page shown."""

    page: int = 0

    def dump(self) -> str:
        return json.dumps({"page": self.page})

    @classmethod
    def load(cls, text: str | None) -> HomeMetadata:
        try:
            return cls(max(0, int(json.loads(text or "{}").get("page", 0))))
        except (ValueError, TypeError, AttributeError):
            return cls()


# --- small formatters -----------------------------------------------------------------


def local_date(day: date, t: Translator) -> str:
    """``26/11/2026`` (``11/26/2026`` in English)."""
    return t("home.date", day=day.day, month=day.month, year=day.year)


def local_day(day: date, t: Translator) -> str:
    """``dimanche 06/12/2026``: a pause's last day."""
    return t(
        "home.day",
        weekday=t(f"calendar.weekday.{day.weekday()}"),
        day=day.day,
        month=day.month,
        year=day.year,
    )


def clock_time(moment: time, t: Translator) -> str:
    return t("home.time", hour=moment.hour, minute=moment.minute)


def _excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return short_name(flat, limit) if len(flat) > limit else flat


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _group_title(group: Group | None, t: Translator) -> str:
    if group is None:
        return t("home.other_group")
    return f"{group.code} : {group.title}" if group.code else group.title


# --- the Home ---------------------------------------------------------------------------


def _schedule_blocks(schedule: Schedule, timezone: str, t: Translator) -> list[Block]:
    lines = []
    if schedule.done_this_week:
        lines.append(t("home.next.done", week=week_label(schedule.cycle_key, t)))
    moment = local_moment(schedule.next_at, timezone, t) if schedule.next_at else None
    if schedule.paused_until is not None:
        until = local_day(schedule.paused_until, t)
        lines.append(
            t("home.next.paused", date=until, moment=moment)
            if moment
            else t("home.next.paused_only", date=until)
        )
    elif moment:
        lines.append(t("home.next.at", moment=moment))
    else:
        lines.append(t("home.next.stopped"))
    slot = t(
        "home.next.slot",
        weekday=t(f"calendar.weekday.{schedule.weekday}"),
        time=clock_time(schedule.local_time, t),
        zone=timezone,
    )
    if not (schedule.own_weekday or schedule.own_time):
        slot += t("home.next.slot_default")
    return [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(elements=[MarkdownTextObject(text=escape(slot))]),
    ]


def _action_buttons(home: Home, t: Translator) -> ActionsBlock:
    elements = [
        ButtonElement(
            text=t("home.button.checkin_now"),
            action_id=ids.HOME_CHECKIN_NOW,
            value="now",
            style="primary",
        ),
        ButtonElement(
            text=t("home.button.log_evidence"), action_id=ids.HOME_LOG_EVIDENCE, value="log"
        ),
        ButtonElement(text=t("home.button.resume"), action_id=ids.HOME_RESUME, value="resume")
        if home.schedule.paused_until is not None
        else ButtonElement(text=t("home.button.pause"), action_id=ids.HOME_PAUSE, value="pause"),
        ButtonElement(
            text=t("home.button.schedule"), action_id=ids.HOME_SCHEDULE, value="schedule"
        ),
        ButtonElement(
            text=t("home.button.language"), action_id=ids.HOME_LANGUAGE, value="language"
        ),
    ]
    return ActionsBlock(block_id=ids.HOME_ACTIONS_BLOCK, elements=elements)


def _overall(home: Home, t: Translator) -> str:
    """The référentiel level reached and the progress to the next (the summary's words)."""
    summary = home.summary
    referentiel = home.referentiel
    lines = [t("home.progress_title")]
    if summary.reached is None:
        lines.append(t("summary.reached_none"))
        lines.append(t("summary.rated", count=len(summary.rated()), total=summary.total))
    else:
        lines.append(
            t("summary.reached", level=escape(level_label(referentiel, summary.reached, t)))
        )
        if summary.next_level is not None:
            lines.append(
                t(
                    "summary.progress",
                    level=escape(level_label(referentiel, summary.next_level, t)),
                    count=summary.at_next_level,
                    total=summary.total,
                )
            )
        else:
            lines.append(t("summary.top"))
    lines.append(t.plural("summary.streak", summary.streak))
    return "\n".join(lines)


def legend(referentiel: Referentiel, t: Translator) -> str:
    """What each short level name in the histories stands for."""
    short = short_level_labels(referentiel, t)
    items = [
        t(
            "home.legend_item",
            short=escape(short[level.id]),
            label=escape(level_label(referentiel, level, t)),
        )
        for level in referentiel.scale.levels
    ]
    return t("home.legend", levels=" · ".join(items))


def history_text(item: CompetencyStatus, short: dict[str, str]) -> str:
    """``J → J → I``: the last self-ratings, oldest first, by their short names."""
    return " → ".join(short[level.id] for level in item.history)


def competency_line(
    item: CompetencyStatus, referentiel: Referentiel, short: dict[str, str], t: Translator
) -> str:
    """One competency: current level, the manager's, the history, the evidence count."""

    def name(level_id: str) -> str:
        level = referentiel.scale.level(level_id)
        return escape(level_label(referentiel, level, t)) if level else escape(level_id)

    level = f"*{name(item.current.id)}*" if item.current else t("home.unrated")
    manager = t("home.manager", level=name(item.manager.id)) if item.manager else ""
    history = t("home.history", history=history_text(item, short)) if item.history else ""
    evidence = t.plural("summary.evidence", item.evidence_count) if item.evidence_count else ""
    return t(
        "home.line",
        competency=escape(short_name(item.competency.label)),
        level=level,
        manager=manager,
        history=history,
        evidence=evidence,
    )


def competency_texts(home: Home, t: Translator) -> list[str]:
    """One text per bloc or activity (in référentiel order): its title, then a line each."""
    short = short_level_labels(home.referentiel, t)
    grouped: dict[int, tuple[Group | None, list[str]]] = {}
    titled = any(item.group is not None for item in home.competencies)
    for item in home.competencies:
        key = id(item.group) if item.group is not None else 0
        entry = grouped.setdefault(key, (item.group, []))
        entry[1].append(competency_line(item, home.referentiel, short, t))
    texts = []
    for group, lines in grouped.values():
        heading = [f"*{escape(_group_title(group, t))}*"] if titled else []
        texts.append("\n".join(heading + lines))
    return texts


def _competency_blocks(home: Home, t: Translator, budget: int) -> list[Block]:
    """The competencies in at most ``budget`` blocks: a section (or a few) per group,
    or, should there be more groups than blocks to spare, all of them run together."""
    texts = competency_texts(home, t)
    blocks: list[Block] = [b for text in texts for b in sections(text)]
    if len(blocks) > budget:
        blocks = list(sections("\n".join(texts)))
    if len(blocks) > budget:  # only with absurdly many competencies; say there is more
        more = ContextBlock(elements=[MarkdownTextObject(text=t("home.truncated"))])
        blocks = [*blocks[: budget - 1], more]
    return blocks


def _evidence_entry_blocks(entry: EvidenceEntry, timezone: str, t: Translator) -> list[Block]:
    competency = entry.competency.label if entry.competency else entry.competency_id
    logged = local_date(entry.logged_at.astimezone(ZoneInfo(timezone)).date(), t)
    lines = [
        t("home.evidence.item", competency=escape(short_name(competency)), date=logged),
        escape(_excerpt(entry.text, EXCERPT_LIMIT)),
    ]
    if entry.link:
        # "|" would end the address in Slack's <url|text>; %7C is the same address.
        url = escape(entry.link.replace("|", "%7C"))
        linked = lines[-1] + " · " + t("home.evidence.link", url=url)
        # A link of thousands of characters cannot fit the section: the edit modal shows it.
        fits = len("\n".join([lines[0], linked])) <= SECTION_LIMIT
        lines[-1] = linked if fits else lines[-1] + " · " + t("home.evidence.link_too_long")
    suffix = str(entry.id)
    return [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ActionsBlock(
            block_id=ids.competency_block(ids.HOME_EVIDENCE_BLOCK, suffix),
            elements=[
                ButtonElement(
                    text=t("home.evidence.edit"),
                    action_id=ids.competency_block(ids.HOME_EVIDENCE_EDIT, suffix),
                    value=suffix,
                ),
                ButtonElement(
                    text=t("home.evidence.delete"),
                    action_id=ids.competency_block(ids.HOME_EVIDENCE_DELETE, suffix),
                    value=suffix,
                    style="danger",
                    confirm=ConfirmObject(
                        title=t("home.evidence.delete_confirm_title"),
                        # Plain text: the person's own words are shown as typed.
                        text=PlainTextObject(
                            text=t(
                                "home.evidence.delete_confirm_text",
                                excerpt=_excerpt(entry.text, CONFIRM_EXCERPT_LIMIT),
                            )
                        ),
                        confirm=t("home.evidence.delete_confirm_yes"),
                        deny=t("home.evidence.delete_confirm_no"),
                        style="danger",
                    ),
                ),
            ],
        ),
    ]


def _evidence_blocks(home: Home, t: Translator) -> list[Block]:
    page = home.evidence
    if not page.entries:
        return [SectionBlock(text=MarkdownTextObject(text=t("home.evidence.empty")))]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=t("home.evidence.title", first=page.first, last=page.last, total=page.total)
            )
        )
    ]
    for entry in page.entries:
        blocks.extend(_evidence_entry_blocks(entry, home.timezone, t))
    paging = []
    if page.has_newer:
        paging.append(
            ButtonElement(
                text=t("home.evidence.newer"),
                action_id=ids.HOME_EVIDENCE_NEWER,
                value=str(page.page - 1),
            )
        )
    if page.has_older:
        paging.append(
            ButtonElement(
                text=t("home.evidence.older"),
                action_id=ids.HOME_EVIDENCE_OLDER,
                value=str(page.page + 1),
            )
        )
    if paging:
        blocks.append(ActionsBlock(block_id=ids.HOME_EVIDENCE_PAGES_BLOCK, elements=paging))
    return blocks


def home_view(home: Home, t: Translator) -> View:
    """The Home of an enrolled person: schedule and actions, progress, their evidence."""
    title = t("home.title", referentiel=home.referentiel.title)
    head: list[Block] = [
        HeaderBlock(text=short_name(title, HEADER_LIMIT - 1)),
        *_schedule_blocks(home.schedule, home.timezone, t),
        _action_buttons(home, t),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=_overall(home, t))),
        ContextBlock(elements=[MarkdownTextObject(text=legend(home.referentiel, t))]),
    ]
    tail: list[Block] = [
        DividerBlock(),
        *_evidence_blocks(home, t),
        ContextBlock(elements=[MarkdownTextObject(text=t("home.privacy"))]),
    ]
    budget = VIEW_BLOCK_LIMIT - len(head) - len(tail)
    return View(
        type="home",
        callback_id=ids.HOME_VIEW,
        private_metadata=HomeMetadata(home.evidence.page).dump(),
        blocks=[*head, *_competency_blocks(home, t, budget), *tail],
    )


def not_enrolled_view(t: Translator) -> View:
    """The Home of someone Palier does not follow: what Palier is, and whom to ask."""
    return View(
        type="home",
        callback_id=ids.HOME_VIEW,
        blocks=[
            HeaderBlock(text=t("home.not_enrolled.title")),
            SectionBlock(text=MarkdownTextObject(text=t("home.not_enrolled.text"))),
        ],
    )


# --- the modals ---------------------------------------------------------------------------


def notice_modal(text: str, t: Translator) -> View:
    """A one-paragraph modal: the answer to a Home button that cannot be carried out."""
    return View(
        type="modal",
        callback_id=ids.HOME_NOTICE_VIEW,
        title=t("home.notice.title"),
        close=t("home.notice.close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def pause_modal(today: date, paused_until: date | None, t: Translator) -> View:
    """Pause check-ins until a date (included); a week from today is offered."""
    initial = paused_until if paused_until and paused_until >= today else today + timedelta(7)
    return View(
        type="modal",
        callback_id=ids.HOME_PAUSE_VIEW,
        title=t("home.pause.title"),
        submit=t("home.pause.submit"),
        close=t("home.pause.close"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=t("home.pause.intro"))),
            InputBlock(
                block_id=ids.HOME_PAUSE_BLOCK,
                label=t("home.pause.label"),
                element=DatePickerElement(
                    action_id=ids.HOME_PAUSE_ACTION, initial_date=initial.isoformat()
                ),
            ),
        ],
    )


def schedule_modal(schedule: Schedule, timezone: str, t: Translator) -> View:
    """Choose one's check-in day (or the workspace default) and time (empty: the default)."""
    default = Option(
        value=ids.HOME_DEFAULT_WEEKDAY,
        label=t(
            "home.schedule.default_weekday",
            weekday=t(f"calendar.weekday.{schedule.default_weekday}"),
        ),
    )
    days = [
        Option(value=str(day), label=_capitalised(t(f"calendar.weekday.{day}"))) for day in range(7)
    ]
    initial = days[schedule.weekday] if schedule.own_weekday else default
    time_element = TimePickerElement(
        action_id=ids.HOME_TIME_ACTION,
        initial_time=schedule.local_time.strftime("%H:%M") if schedule.own_time else None,
    )
    return View(
        type="modal",
        callback_id=ids.HOME_SCHEDULE_VIEW,
        title=t("home.schedule.title"),
        submit=t("home.schedule.submit"),
        close=t("home.schedule.close"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=t("home.schedule.intro", zone=timezone))),
            InputBlock(
                block_id=ids.HOME_WEEKDAY_BLOCK,
                label=t("home.schedule.weekday"),
                element=StaticSelectElement(
                    action_id=ids.HOME_WEEKDAY_ACTION,
                    options=[default, *days],
                    initial_option=initial,
                ),
            ),
            InputBlock(
                block_id=ids.HOME_TIME_BLOCK,
                label=t("home.schedule.time"),
                hint=t("home.schedule.time_hint", time=clock_time(schedule.default_time, t)),
                optional=True,
                element=time_element,
            ),
        ],
    )


def language_modal(current: Locale, t: Translator) -> View:
    """French or English; each language named in itself."""
    options = [Option(value=locale, label=t(f"home.language.{locale}")) for locale in LOCALES]
    return View(
        type="modal",
        callback_id=ids.HOME_LANGUAGE_VIEW,
        title=t("home.language.title"),
        submit=t("home.language.submit"),
        close=t("home.language.close"),
        blocks=[
            InputBlock(
                block_id=ids.HOME_LANGUAGE_BLOCK,
                label=t("home.language.label"),
                element=StaticSelectElement(
                    action_id=ids.HOME_LANGUAGE_ACTION,
                    options=options,
                    initial_option=next(o for o in options if o.value == current),
                ),
            )
        ],
    )
