"""The manager's review of self-ratings, as neutral views, and what a report is told of it.

The manager sees the reports whose self-ratings await review and the weekly digest of
the team; both come a page at a time (a page of either fits one message on any
platform), with Previous/Next buttons that carry only the page to show (and the
digest's week): the page is recomputed for whoever clicks, from their own reports,
and a stale or forged page lands on the first or last there is. A report's review is
a form: each self-rating with the evidence behind it, what each level asks in the
référentiel's own words (quoted as the check-in quotes them, so the manager judges on
the words the report read), and the level preselected (to confirm or change); a
comment, and whether the report may read it. What the manager
is answered (a refusal, nothing to review, the review saved) is worded here too.

The report is told in their own language: the manager's level for each competency
reviewed (confirmed, or beside the report's own), and the comment when shared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.review import Digest, DigestRow, PendingRating, ReportReview
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator, formats
from bot.i18n.referentiel_text import level_label
from bot.i18n.rich import Mention, Plain, Rich, Typed
from bot.views import actions
from bot.views.cards import (
    Actions,
    Block,
    Button,
    Card,
    Choice,
    ChoiceField,
    ChoiceStyle,
    Divider,
    Field,
    Form,
    Heading,
    Note,
    Paragraph,
    TextField,
)
from bot.views.checkin import option_descriptions, scale_line
from bot.views.prompt import short_name
from bot.views.referentiel import level_requirements
from referentiels.models import Competency, Level, Referentiel
from storage.models import Evidence, Person

REVIEW_PAGE_SIZE = 40  # reports a page of the list shows
DIGEST_PAGE_SIZE = 22  # reports a page of the digest shows (each with its changes)
MAX_PAGE = 10_000  # far beyond any team; a forged value is clamped to the last page anyway
# Self-ratings one review form shows (the next review shows the rest), and the most
# characters of the référentiel's words it quotes for them, so that a form keeps within the
# front end that allows least (a Slack modal: 100 blocks, 3,000 characters a block): each
# self-rating is a divider, a paragraph, its quotes (one block, or a few where they are
# long) and a choice; the form shows at least one whatever its length.
REVIEW_ITEMS = 12
REVIEW_QUOTES = 24_000
EVIDENCE_EXCERPT = 280  # a piece of evidence, cut at a word (the Home shows it whole)
SHARE = "share"  # the share field's one choice: the report may read the comment

# The review flow's refusals (bot.app.review), as the catalog words them; anything else
# is "gone", which says no more about anyone.
_REFUSALS = {"not_manager": "review.not_manager", "review_gone": "review.gone"}


# -- pages ------------------------------------------------------------------------------


def pages(count: int, size: int) -> int:
    """How many pages ``count`` items fill (one, even when there are none)."""
    return max(1, -(-count // size))


def clamp_page(page: int, count: int, size: int) -> int:
    """A page that exists: a stale or forged button value lands on the first or last."""
    return min(max(page, 0), pages(count, size) - 1)


def page_of(value: str) -> int:
    """A button's page number (client input): 0 for anything but a small whole number."""
    if not (value.isascii() and value.isdigit() and len(value) <= 5):
        return 0
    return min(int(value), MAX_PAGE)


def digest_page_of(value: str) -> tuple[str, int]:
    """A digest button's value → the week (``2026-W48``, checked by the flow) and the page."""
    cycle, _, page = value.partition("/")
    return cycle, page_of(page)


@dataclass(frozen=True)
class Shown:
    """Which page of which list a card shows (``cycle``: the digest's week; None: the
    list of reviews awaiting), carried by the card (:attr:`Card.state`) so that a front
    end can show the same page again once a review from it is saved."""

    page: int
    cycle: str | None = None

    def dump(self) -> str:
        data: dict[str, object] = {"page": self.page}
        if self.cycle is not None:
            data["cycle"] = self.cycle
        return json.dumps(data)

    @classmethod
    def load(cls, text: str | None) -> Shown | None:
        """What a card's state says it shows; None when it is not one of these (client
        input: a page is a small whole number, a week is checked by the flow)."""
        try:
            data = json.loads(text or "")
            page, cycle = data["page"], data.get("cycle")
        except (ValueError, TypeError, KeyError):
            return None
        if not isinstance(page, int) or isinstance(page, bool) or not 0 <= page <= MAX_PAGE:
            return None
        if cycle is not None and not isinstance(cycle, str):
            return None
        return cls(page, cycle)


def _pager(
    action: str, row: str, page: int, count: int, size: int, t: Translator, value: str = ""
) -> list[Block]:
    """The page line and Previous/Next buttons, or nothing when everything fits in one.
    Each button's value: ``value`` (what every page shares) then the page it shows."""
    last = pages(count, size) - 1
    if last == 0:
        return []
    first_shown = page * size + 1
    line = t.rich(
        "review.page", first=first_shown, last=min(count, first_shown + size - 1), total=count
    )
    buttons = []
    if page > 0:
        label = t.rich("review.previous_page")
        buttons.append(Button(label, action, f"{value}{page - 1}", key="prev"))
    if page < last:
        label = t.rich("review.next_page")
        buttons.append(Button(label, action, f"{value}{page + 1}", key="next"))
    return [Note(line), Actions(row, tuple(buttons))]


# -- the list ---------------------------------------------------------------------------


def _person(person: Person) -> Mention:
    return Mention(person.platform_user_id, person.display_name)


def _review_button(person: Person, t: Translator) -> Button:
    """Review: opens that report's form (keyed by the report: one per row)."""
    report = str(person.id)
    return Button(t.rich("review.button"), actions.REVIEW_OPEN, report, primary=True, key=report)


def pending_card(
    reviews: Sequence[ReportReview], t: Translator, page: int = 0, *, size: int = REVIEW_PAGE_SIZE
) -> Card:
    """One page of the reports with self-ratings awaiting review (``size`` a page: a
    front end whose messages hold less asks for fewer), each with how many and a Review
    button, then the buttons to the other pages, kept whatever else must go."""
    page = clamp_page(page, len(reviews), size)
    blocks: list[Block] = [Paragraph((t.rich("review.intro"),))]
    start = page * size
    for review in reviews[start : start + size]:
        person = review.person
        line = t.rich_plural("review.report_line", len(review.pending), name=_person(person))
        blocks.append(Paragraph((line,), button=_review_button(person, t)))
    pager = _pager(actions.REVIEW_PAGE, actions.REVIEW_PAGES, page, len(reviews), size, t)
    return Card(
        t.rich("review.intro"),
        (*blocks, *pager),
        keep_last=len(pager),
        state=Shown(page).dump(),
    )


# -- the form ---------------------------------------------------------------------------


def _quoted(text: str) -> Rich:
    return Rich("{text}", {"text": Plain(text)})


def _level(referentiel: Referentiel, level: Level, t: Translator) -> Plain:
    return Plain(level_label(referentiel, level, t))


def _evidence(evidence: Evidence, today: date | None, t: Translator) -> Rich:
    """A piece of evidence: the day it happened (its year when not ``today``'s), its
    text cut at a word, its link as an address."""
    day = Plain(formats.evidence_day(evidence.happened_on, today, t))
    text = Typed(short_name(evidence.text, EVIDENCE_EXCERPT))
    if not evidence.link:
        return t.rich("review.evidence", date=day, text=text)
    # "|" would end an address in some markups (Slack's <url|text>); %7C is the same one.
    link = Plain(evidence.link.replace("|", "%7C"))
    linked = Rich("{text} <{link}>", {"text": text, "link": link})
    return t.rich("review.evidence", date=day, text=linked)


def _item_lines(
    item: PendingRating, referentiel: Referentiel, today: date | None, t: Translator
) -> tuple[Rich, ...]:
    """A self-rating awaiting review: the competency (its code and first words: its
    whole statement is quoted with what each level asks), the level, the manager's
    previous view, the evidence behind it, each with its day (``today``: the reader's)."""
    name = Plain(formats.short_label(item.competency))
    lines = [
        Rich("**{name}**", {"name": name}),
        t.rich("review.self_level", level=_level(referentiel, item.self_level, t)),
    ]
    if item.manager_level is not None:
        lines.append(t.rich("review.previous", level=_level(referentiel, item.manager_level, t)))
    lines.extend(_evidence(evidence, today, t) for evidence in item.evidence)
    return tuple(lines)


def review_state(report_id: int, back: str = "") -> str:
    """What the review form carries back on submit: the report it is about, and what
    the front end asked for (``back``, opaque: where the form was opened from)."""
    data: dict[str, object] = {"report_id": report_id}
    if back:
        data["back"] = back
    return json.dumps(data)


def reviewed_report(state: str) -> int:
    """The report a submitted review form is about; 0 when its state names none."""
    try:
        return int(json.loads(state or "{}")["report_id"])
    except (KeyError, ValueError, TypeError):
        return 0


def form_back(state: str) -> str:
    """What the front end gave :func:`review_form` to carry back ("" when nothing)."""
    try:
        back = json.loads(state or "{}").get("back", "")
    except (ValueError, TypeError, AttributeError):
        return ""
    return back if isinstance(back, str) else ""


def review_answers(
    values: Mapping[str, object],
) -> tuple[tuple[tuple[str, str | None], ...], str | None, bool]:
    """A submitted review form's answers, by field id (``review.level:<competency>`` …):
    each competency's level, the comment, whether to share it (the flow checks them)."""
    levels: list[tuple[str, str | None]] = []
    comment: str | None = None
    share = False
    for key, value in values.items():
        name, _, competency_id = key.partition(":")
        text = value if isinstance(value, str) else None
        if name == actions.REVIEW_LEVEL and competency_id:
            levels.append((competency_id, text or None))
        elif name == actions.REVIEW_COMMENT:
            comment = text or None
        elif name == actions.REVIEW_SHARE:
            chosen = text.split(",") if text else value if isinstance(value, list) else []
            share = SHARE in chosen
    return tuple(levels), comment, share


def problem_field(item: str | None) -> str:
    """The review form's field a problem is about (its field id): a competency's level,
    or the comment."""
    return f"{actions.REVIEW_LEVEL}:{item}" if item else actions.REVIEW_COMMENT


def requirements(item: PendingRating, referentiel: Referentiel, t: Translator) -> tuple[Rich, ...]:
    """What each level asks of the competency, in the référentiel's own words quoted as
    the check-in quotes them, after its whole statement when the form names it by a
    short form."""
    competency = item.competency
    lines = [t.rich("review_quotes.asks")]
    if formats.short_label(competency) != competency.label:
        lines.append(t.rich("review_quotes.statement", competency=Plain(competency.label)))
    lines.extend(level_requirements(referentiel, competency, t))
    return tuple(lines)


def _shown(
    review: ReportReview, t: Translator, items: int
) -> list[tuple[PendingRating, tuple[Rich, ...]]]:
    """The self-ratings this form shows, each with its quotes: in order, at most
    ``items``, and no more quoted words than :data:`REVIEW_QUOTES` (one at least)."""
    shown: list[tuple[PendingRating, tuple[Rich, ...]]] = []
    quoted = 0
    for item in review.pending[: max(1, min(items, REVIEW_ITEMS))]:
        lines = requirements(item, review.referentiel, t)
        quoted += sum(len(line.plain()) + 1 for line in lines)
        if shown and quoted > REVIEW_QUOTES:
            break
        shown.append((item, lines))
    return shown


def review_form(
    review: ReportReview, t: Translator, back: str = "", *, items: int = REVIEW_ITEMS
) -> Form:
    """One report's self-ratings awaiting review: for each, what each level asks (the
    référentiel's words, as the report read them), then confirm the level (preselected)
    or choose another; a comment, and whether the report may read it. ``back``: what the
    front end wants the submission to carry back; ``items``: fewer self-ratings than
    :data:`REVIEW_ITEMS`, for a front end whose forms hold less (one at least)."""
    referentiel = review.referentiel
    person = review.person
    name = _person(person)
    descriptions = option_descriptions(referentiel, t)
    levels = tuple(
        Choice(
            level.id,
            _quoted(level_label(referentiel, level, t)),
            _quoted(description) if (description := descriptions.get(level.id)) else None,
        )
        for level in referentiel.scale.levels
    )
    heading = t.rich("review.heading", name=name, referentiel=Plain(referentiel.title))
    blocks: list[Block | Field] = [Paragraph((heading,)), Paragraph((scale_line(referentiel, t),))]
    shown = _shown(review, t, items)
    for item, quotes in shown:
        blocks.append(Divider())
        blocks.append(Paragraph(_item_lines(item, referentiel, review.today, t), one_piece=True))
        blocks.append(Paragraph(quotes))
        blocks.append(
            ChoiceField(
                actions.REVIEW_LEVEL,
                t.rich("review.your_level"),
                choices=levels,
                key=item.competency.id,
                initial=(item.self_level.id,),
            )
        )
    left = len(review.pending) - len(shown)
    if left:
        blocks.append(Note(t.rich_plural("review_quotes.more", left)))
    blocks.append(Divider())
    blocks.append(
        TextField(
            actions.REVIEW_COMMENT,
            t.rich("review.comment"),
            optional=True,
            multiline=True,
            max_length=MAX_TEXT,
        )
    )
    share = Choice(SHARE, t.rich("review.share_option", name=name))
    blocks.append(
        ChoiceField(
            actions.REVIEW_SHARE,
            t.rich("review.share"),
            choices=(share,),
            style=ChoiceStyle.SEVERAL,
            optional=True,
        )
    )
    return Form(
        actions.REVIEW_FORM,
        t.rich("review.title"),
        t.rich("review.close"),
        tuple(blocks),
        submit=t.rich("review.submit"),
        state=review_state(person.id, back),
    )


# -- what the manager is answered -------------------------------------------------------


def refusal_text(code: str, t: Translator) -> Rich:
    """Why there is no review to show: not a manager, or gone (not theirs, no longer
    there, nothing left: the same words)."""
    return t.rich(_REFUSALS.get(code, "review.gone"))


def nothing_text(t: Translator) -> Rich:
    return t.rich("review.nothing")


def problem_text(key: str, t: Translator) -> Rich:
    """What is wrong with a field of the review form (the check-in's words)."""
    return t.rich(f"checkin.problem.{key}")


def saved_text(name: str | None, user_id: str, t: Translator) -> Rich:
    """The review of that report is stored (their notice is on its way)."""
    return t.rich("review.saved", name=Mention(user_id, name))


# -- the weekly digest ------------------------------------------------------------------


def digest_title(digest: Digest, t: Translator) -> Rich:
    return t.rich("review.digest_title", week=Plain(formats.week(digest.cycle_key, t)))


def _last_day(cycle_key: str) -> date | None:
    """The Sunday that ends the week ``2026-W48`` (None for what is not a week): the
    digest's today, whose year a piece of evidence of another year is shown with."""
    year, _, week = cycle_key.partition("-W")
    try:
        return date.fromisocalendar(int(year), int(week), 7)
    except ValueError:
        return None


def _digest_lines(row: DigestRow, today: date | None, t: Translator) -> list[Rich]:
    """A report's week: their check-in, what moved (and the evidence behind it, two
    pieces at most, each with its day), what awaits review."""
    referentiel = row.referentiel
    status = row.status.value if row.status else "none"
    lines = [
        t.rich(
            "review.digest_person",
            name=_person(row.person),
            status=t.rich(f"review.digest_status.{status}"),
        )
    ]
    for change in row.changes:
        competency = Plain(formats.short_label(change.competency))
        after = _level(referentiel, change.after, t)
        if change.before is None:
            lines.append(t.rich("review.digest_first", competency=competency, level=after))
        else:
            up = referentiel.scale.rank(change.after.id) > referentiel.scale.rank(change.before.id)
            before = _level(referentiel, change.before, t)
            arrow = Plain("↑" if up else "↓")
            lines.append(
                t.rich(
                    "review.digest_change",
                    competency=competency,
                    before=before,
                    after=after,
                    arrow=arrow,
                )
            )
        lines.extend(
            Rich("    {evidence}", {"evidence": _evidence(evidence, today, t)})
            for evidence in change.evidence[:2]
        )
    if row.pending:
        lines.append(t.rich_plural("review.digest_pending", row.pending))
    return lines


def digest_card(
    digest: Digest, t: Translator, page: int = 0, *, size: int = DIGEST_PAGE_SIZE
) -> Card:
    """The manager's weekly review, one page of reports (``size`` a page): each one's
    check-in, what moved and what awaits review (then a Review button); then the buttons
    to the other pages, which carry the week, so that every page is of the same digest,
    and are kept whatever else must go."""
    page = clamp_page(page, len(digest.rows), size)
    title = digest_title(digest, t)
    blocks: list[Block] = [Heading(title)]
    start = page * size
    today = _last_day(digest.cycle_key)
    for row in digest.rows[start : start + size]:
        button = _review_button(row.person, t) if row.pending else None
        lines = tuple(_digest_lines(row, today, t))
        blocks.append(Paragraph(lines, button=button, one_piece=True))
        blocks.append(Divider())
    pager = _pager(
        actions.DIGEST_PAGE,
        actions.DIGEST_PAGES,
        page,
        len(digest.rows),
        size,
        t,
        f"{digest.cycle_key}/",
    )
    return Card(
        title,
        (*blocks, *pager),
        keep_last=len(pager),
        state=Shown(page, digest.cycle_key).dump(),
    )


# -- the report's notice ----------------------------------------------------------------


def notice_card(
    manager: Mention,
    referentiel: Referentiel,
    reviewed: Sequence[tuple[Competency, Level, Level | None]],
    comment: str | None,
    t: Translator,
) -> Card:
    """``reviewed``: each competency with the manager's level and the report's own."""
    lines: list[Rich] = [t.rich("review.told", manager=manager)]
    for competency, level, own in reviewed:
        name = Plain(formats.short_label(competency))
        label = Plain(level_label(referentiel, level, t))
        if own is None or own.id == level.id:
            lines.append(t.rich("review.told_same", competency=name, level=label))
        else:
            own_label = Plain(level_label(referentiel, own, t))
            lines.append(t.rich("review.told_other", competency=name, level=label, own=own_label))
    blocks: list[Block] = [Paragraph(tuple(lines))]
    if comment:
        blocks.append(Note(t.rich("review.told_comment", comment=Typed(comment))))
    return Card(t.rich("review.told", manager=manager), tuple(blocks))
