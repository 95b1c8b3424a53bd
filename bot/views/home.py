"""A person's own page (Slack's App Home), and the forms it opens, as neutral views.

The page: when the next check-in comes and the person's slot, what they can do (check
in now, log evidence, pause or resume, change their day and time or their language),
their progress, then their competencies summarised one line each (current level, the
manager's, the last self-ratings by short level names, the evidence) in a paragraph per
bloc or activity, then their evidence a page at a time, each with Edit and a confirmed
Delete. Someone Palier does not follow sees what Palier is and whom to ask.

The words and their short forms are chosen here: a long title or competency name is
shortened at a word, evidence quoted as an excerpt (the whole is in the edit form), a
link a front end cannot fit left to that form. How much a platform shows at once is
its own business: the competencies are a :class:`~bot.views.cards.Listing` it may run
together or cut, saying where the rest is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.home import CompetencyStatus, EvidenceEntry, Home, Schedule, short_level_labels
from bot.domain.home_team import TeamPage
from bot.i18n import LOCALES, Locale, Translator, formats, language_of
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Plain, Rich, Typed, literal
from bot.views import actions
from bot.views.audience import readers_text
from bot.views.cards import (
    Actions,
    Block,
    Button,
    Card,
    Choice,
    ChoiceField,
    ChoiceStyle,
    Confirm,
    DateField,
    Divider,
    Form,
    Heading,
    Listing,
    Note,
    Paragraph,
    TimeField,
)
from bot.views.home_team import team_blocks, team_page_card
from bot.views.one_on_one_topics import topic_button
from bot.views.progress_chart import chart_button
from bot.views.prompt import short_name
from referentiels.models import Group, Referentiel

TITLE_LIMIT = 149  # a title is one line: a longer one is shortened at a word
EXCERPT_LIMIT = 200  # evidence quoted on the page (the whole text is in the edit form)
CONFIRM_EXCERPT_LIMIT = 120  # evidence quoted in the question before deleting it
PAUSE_OFFERED = timedelta(days=7)  # the pause form offers a week from today
DEFAULT_WEEKDAY = "default"  # the weekday choice meaning "the workspace default"


@dataclass(frozen=True)
class HomeState:
    """What the page carries back with a click on it: the evidence page shown."""

    page: int = 0

    def dump(self) -> str:
        return json.dumps({"page": self.page})

    @classmethod
    def load(cls, text: str | None) -> HomeState:
        try:
            return cls(max(0, int(json.loads(text or "{}").get("page", 0))))
        except (ValueError, TypeError, AttributeError):
            return cls()


# --- small words ------------------------------------------------------------------------


def _quoted(text: str) -> Rich:
    return Rich("{text}", {"text": Plain(text)})


def _excerpt(text: str, limit: int) -> str:
    """The text on one line, shortened at a word past ``limit`` characters."""
    flat = " ".join(text.split())
    return short_name(flat, limit) if len(flat) > limit else flat


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _weekday(day: int, t: Translator) -> str:
    return formats.weekday(day, t)


def _group_title(group: Group | None, t: Translator) -> Rich:
    if group is None:
        return t.rich("home.other_group")
    return _quoted(f"{group.code} : {group.title}" if group.code else group.title)


# --- the page -----------------------------------------------------------------------------


def _schedule(schedule: Schedule, timezone: str, t: Translator) -> list[Block]:
    """When the next check-in comes (or why none does), then the person's slot."""
    lines: list[Rich] = []
    if schedule.done_this_week:
        lines.append(t.rich("home.next.done", week=Plain(formats.week(schedule.cycle_key, t))))
    moment = formats.moment(schedule.next_at, timezone, t) if schedule.next_at else None
    if schedule.paused_until is not None:
        until = Plain(formats.long_day(schedule.paused_until, t))
        lines.append(
            t.rich("home.next.paused", date=until, moment=Plain(moment))
            if moment
            else t.rich("home.next.paused_only", date=until)
        )
    elif moment:
        lines.append(t.rich("home.next.at", moment=Plain(moment)))
    else:
        lines.append(t.rich("home.next.stopped"))
    slot = t.rich(
        "home.next.slot",
        weekday=Plain(_weekday(schedule.weekday, t)),
        time=Plain(formats.clock(schedule.local_time, t)),
        zone=Plain(timezone),
    )
    if not (schedule.own_weekday or schedule.own_time):
        slot = Rich.join((slot, t.rich("home.next.slot_default")), "")
    return [Paragraph(tuple(lines)), Note(slot)]


def _buttons(home: Home, t: Translator) -> Actions:
    pause = (
        Button(t.rich("home.button.resume"), actions.HOME_RESUME, "resume")
        if home.schedule.paused_until is not None
        else Button(t.rich("home.button.pause"), actions.HOME_PAUSE, "pause")
    )
    return Actions(
        actions.HOME_ACTIONS,
        (
            Button(
                t.rich("home.button.checkin_now"), actions.HOME_CHECKIN_NOW, "now", primary=True
            ),
            Button(t.rich("home.button.log_evidence"), actions.HOME_LOG_EVIDENCE, "log"),
            *((topic_button(t),) if home.has_manager else ()),
            pause,
            Button(t.rich("home.button.schedule"), actions.HOME_SCHEDULE, "schedule"),
            Button(t.rich("home.button.language"), actions.HOME_LANGUAGE, "language"),
            chart_button(t),
        ),
    )


def _overall(home: Home, t: Translator) -> Paragraph:
    """The référentiel level reached and the progress to the next (the summary's words)."""
    summary = home.summary
    referentiel = home.referentiel
    lines = [t.rich("home.progress_title")]
    if summary.reached is None:
        lines.append(t.rich("summary.reached_none"))
        lines.append(t.rich_plural("summary.rated", len(summary.rated()), total=summary.total))
    else:
        lines.append(
            t.rich("summary.reached", level=Plain(level_label(referentiel, summary.reached, t)))
        )
        if summary.next_level is not None:
            lines.append(
                t.rich_plural(
                    "summary.progress",
                    summary.at_next_level,
                    level=Plain(level_label(referentiel, summary.next_level, t)),
                    total=summary.total,
                )
            )
        else:
            lines.append(t.rich("summary.top"))
    lines.append(t.rich_plural("summary.streak", summary.streak))
    return Paragraph(tuple(lines))


def legend(referentiel: Referentiel, t: Translator) -> Rich:
    """What each short level name in the histories stands for."""
    short = short_level_labels(referentiel, t)
    items = (
        t.rich(
            "home.legend_item",
            short=Plain(short[level.id]),
            label=Plain(level_label(referentiel, level, t)),
        )
        for level in referentiel.scale.levels
    )
    return t.rich("home.legend", levels=Rich.join(items, " · "))


def history_text(item: CompetencyStatus, short: dict[str, str]) -> str:
    """``J → J → I``: the last self-ratings, oldest first, by their short names."""
    return " → ".join(short[level.id] for level in item.history)


def competency_line(
    item: CompetencyStatus, referentiel: Referentiel, short: dict[str, str], t: Translator
) -> Rich:
    """One competency: current level, the manager's, the history, the evidence count."""

    def name(level_id: str) -> Plain:
        level = referentiel.scale.level(level_id)
        return Plain(level_label(referentiel, level, t) if level else level_id)

    nothing = literal("")
    return t.rich(
        "home.line",
        competency=Plain(formats.short_label(item.competency)),
        level=Rich("**{level}**", {"level": name(item.current.id)})
        if item.current
        else t.rich("home.unrated"),
        manager=t.rich("home.manager", level=name(item.manager.id)) if item.manager else nothing,
        history=t.rich("home.history", history=Plain(history_text(item, short)))
        if item.history
        else nothing,
        evidence=t.rich_plural("summary.evidence", item.evidence_count)
        if item.evidence_count
        else nothing,
    )


def competency_paragraphs(home: Home, t: Translator) -> tuple[Paragraph, ...]:
    """A paragraph per bloc or activity (in référentiel order): its title, then a line
    per competency; no title when the référentiel has no blocs."""
    short = short_level_labels(home.referentiel, t)
    grouped: dict[int, tuple[Group | None, list[Rich]]] = {}
    titled = any(item.group is not None for item in home.competencies)
    for item in home.competencies:
        key = id(item.group) if item.group is not None else 0
        entry = grouped.setdefault(key, (item.group, []))
        entry[1].append(competency_line(item, home.referentiel, short, t))
    return tuple(
        Paragraph(
            (Rich("**{title}**", {"title": _group_title(group, t)}), *lines)
            if titled
            else tuple(lines)
        )
        for group, lines in grouped.values()
    )


def _evidence_entry(entry: EvidenceEntry, timezone: str, t: Translator) -> list[Block]:
    """A piece of evidence: its competency and day, an excerpt, its link; Edit, Delete."""
    competency = formats.short_label(entry.competency) if entry.competency else entry.competency_id
    logged = (
        formats.short_date(entry.happened_on, t)
        if entry.happened_on
        else formats.local_short_date(entry.logged_at, timezone, t)
    )
    heading = t.rich("home.evidence.item", competency=Plain(competency), date=Plain(logged))
    # Quoted as Plain, as the page always has: only its author sees it (Typed would keep
    # a ``*`` they typed from ever showing as bold, as it does in views others read).
    excerpt = Plain(_excerpt(entry.text, EXCERPT_LIMIT))
    paragraph = Paragraph((heading, Rich("{text}", {"text": excerpt})))
    if entry.link:
        # "|" is no address character: %7C is the same address, and no markup ends at it.
        url = Plain(entry.link.replace("|", "%7C"))
        link = t.rich("home.evidence.link", url=url)
        # Where a link of thousands of characters cannot be shown, the edit form shows it.
        too_long = t.rich("home.evidence.link_too_long")
        paragraph = Paragraph(
            (heading, Rich("{text} · {link}", {"text": excerpt, "link": link})),
            shorter=(heading, Rich("{text} · {link}", {"text": excerpt, "link": too_long})),
        )
    key = str(entry.id)
    confirm = Confirm(
        t.rich("home.evidence.delete_confirm_title"),
        t.rich(
            "home.evidence.delete_confirm_text",
            excerpt=Typed(_excerpt(entry.text, CONFIRM_EXCERPT_LIMIT)),
        ),
        t.rich("home.evidence.delete_confirm_yes"),
        t.rich("home.evidence.delete_confirm_no"),
        danger=True,
        literal=True,  # the person's own words, shown as typed
    )
    buttons = (
        Button(t.rich("home.evidence.edit"), actions.HOME_EVIDENCE_EDIT, key, key=key),
        Button(
            t.rich("home.evidence.delete"),
            actions.HOME_EVIDENCE_DELETE,
            key,
            danger=True,
            confirm=confirm,
            key=key,
        ),
    )
    return [paragraph, Actions(actions.HOME_EVIDENCE, buttons, key=key)]


def _evidence(home: Home, t: Translator) -> list[Block]:
    """The page of evidence shown, newest first, and the way to the others."""
    page = home.evidence
    if not page.entries:
        return [Paragraph((t.rich("home.evidence.empty"),))]
    title = t.rich("home.evidence.title", first=page.first, last=page.last, total=page.total)
    blocks: list[Block] = [Paragraph((title,))]
    for entry in page.entries:
        blocks.extend(_evidence_entry(entry, home.timezone, t))
    paging: list[Button] = []
    if page.has_newer:
        newer = t.rich("home.evidence.newer")
        paging.append(Button(newer, actions.HOME_EVIDENCE_NEWER, str(page.page - 1)))
    if page.has_older:
        older = t.rich("home.evidence.older")
        paging.append(Button(older, actions.HOME_EVIDENCE_OLDER, str(page.page + 1)))
    if paging:
        blocks.append(Actions(actions.HOME_EVIDENCE_PAGES, tuple(paging)))
    return blocks


def home_card(home: Home, t: Translator) -> Card:
    """The page of someone Palier follows: schedule and actions, progress, evidence. The
    sentences naming a platform's ways in (its account, a shortcut, a command) are in
    ``t``'s wording (:class:`bot.i18n.Translator`)."""
    title = t.rich("home.title", referentiel=Plain(home.referentiel.title)).plain()
    heading = _quoted(short_name(title, TITLE_LIMIT))
    blocks: list[Block] = [
        Heading(heading),
        *_schedule(home.schedule, home.timezone, t),
        _buttons(home, t),
        *(team_blocks(home.team, t) if home.team is not None else ()),
        Divider(),
        _overall(home, t),
        Note(legend(home.referentiel, t)),
        Listing(competency_paragraphs(home, t), more=t.rich("home.truncated")),
        Divider(),
        *_evidence(home, t),
        Note(t.rich("home.privacy", readers=readers_text(home.readers, t))),
    ]
    return Card(heading, tuple(blocks), state=HomeState(home.evidence.page).dump())


def not_enrolled_card(t: Translator) -> Card:
    """The page of someone Palier does not follow: what Palier is, and whom to ask."""
    title = t.rich("home.not_enrolled.title")
    return Card(title, (Heading(title), Paragraph((t.rich("home.not_enrolled.text"),))))


def page_card(home: Home | TeamPage | None, t: Translator) -> Card:
    """The person's page: their Home, their team's (a manager Palier does not follow
    themself), or (``None``: not followed) what Palier is."""
    if isinstance(home, TeamPage):
        return team_page_card(home.team, t)
    return home_card(home, t) if home is not None else not_enrolled_card(t)


# --- the forms ----------------------------------------------------------------------------


def notice_form(text: Rich, t: Translator) -> Form:
    """A one-paragraph form only read: why a button of the page did nothing."""
    return Form(
        actions.HOME_NOTICE_FORM,
        t.rich("home.notice.title"),
        t.rich("home.notice.close"),
        (Paragraph((text,)),),
    )


def pause_form(today: date, paused_until: date | None, t: Translator) -> Form:
    """Pause check-ins until a day (included): the pause running, else a week from today."""
    initial = paused_until if paused_until and paused_until >= today else today + PAUSE_OFFERED
    return Form(
        actions.HOME_PAUSE_FORM,
        t.rich("home.pause.title"),
        t.rich("home.pause.close"),
        (
            Paragraph((t.rich("home.pause.intro"),)),
            DateField(actions.HOME_PAUSE_UNTIL, t.rich("home.pause.label"), initial=initial),
        ),
        submit=t.rich("home.pause.submit"),
    )


def schedule_form(schedule: Schedule, timezone: str, t: Translator) -> Form:
    """One's check-in day (or the workspace default) and time (none: the default)."""
    default = Choice(
        DEFAULT_WEEKDAY,
        t.rich(
            "home.schedule.default_weekday", weekday=Plain(_weekday(schedule.default_weekday, t))
        ),
    )
    days = tuple(Choice(str(day), _quoted(_capitalised(_weekday(day, t)))) for day in range(7))
    weekday = ChoiceField(
        actions.HOME_WEEKDAY,
        t.rich("home.schedule.weekday"),
        (default, *days),
        style=ChoiceStyle.MENU,
        initial=(str(schedule.weekday) if schedule.own_weekday else DEFAULT_WEEKDAY,),
    )
    hint = t.rich("home.schedule.time_hint", time=Plain(formats.clock(schedule.default_time, t)))
    clock = TimeField(
        actions.HOME_TIME,
        t.rich("home.schedule.time"),
        optional=True,
        initial=schedule.local_time if schedule.own_time else None,
        hint=hint,
    )
    return Form(
        actions.HOME_SCHEDULE_FORM,
        t.rich("home.schedule.title"),
        t.rich("home.schedule.close"),
        (Paragraph((t.rich("home.schedule.intro", zone=Plain(timezone)),)), weekday, clock),
        submit=t.rich("home.schedule.submit"),
    )


def chosen_weekday(value: str | None) -> str | None:
    """The weekday chosen in :func:`schedule_form` as the Home flow takes it: None for
    the workspace default."""
    return None if value == DEFAULT_WEEKDAY else value


def language_form(current: Locale, t: Translator) -> Form:
    """French or English, each language named in itself."""
    field = ChoiceField(
        actions.HOME_LANGUAGE_CHOICE,
        t.rich("home.language.label"),
        tuple(Choice(locale, t.rich(f"home.language.{locale}")) for locale in LOCALES),
        style=ChoiceStyle.MENU,
        initial=(language_of(current),),
    )
    return Form(
        actions.HOME_LANGUAGE_FORM,
        t.rich("home.language.title"),
        t.rich("home.language.close"),
        (field,),
        submit=t.rich("home.language.submit"),
    )
