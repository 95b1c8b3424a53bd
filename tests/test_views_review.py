"""The manager's review as neutral views: what a manager sees on the list, in a report's
review form and in the weekly digest, page by page, and what they are answered."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app.review import GONE, NOT_MANAGER
from bot.domain.review import Change, Digest, DigestRow, PendingRating, ReportReview
from bot.i18n import Translator
from bot.settings import load_settings
from bot.views import actions, review
from bot.views.cards import (
    Actions,
    Button,
    Card,
    ChoiceField,
    ChoiceStyle,
    Heading,
    Note,
    Paragraph,
    TextField,
)
from handlers.slack.builders.mrkdwn import from_rich
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel
from storage.models import Evidence, Person, PromptStatus

CATALOG = ReferentielCatalog.load(load_settings(env_file=None).referentiels_dir)
RATED = datetime(2026, 11, 20, tzinfo=UTC)


def _referentiel() -> Referentiel:
    referentiel = CATALOG.get("account-executive")
    assert referentiel is not None
    return referentiel


def _person(number: int, name: str | None = None) -> Person:
    return Person(id=number, platform_user_id=f"U{number:04d}", display_name=name)


def _rows(card: Card) -> list[Paragraph]:
    return [b for b in card.blocks if isinstance(b, Paragraph) and b.button is not None]


def _pager(card: Card) -> tuple[str, list[Button]]:
    notes = [b for b in card.blocks if isinstance(b, Note)]
    rows = [b for b in card.blocks if isinstance(b, Actions)]
    if not notes and not rows:
        return "", []
    [note], [row] = notes, rows
    return note.text.plain(), list(row.buttons)


def _reviews(count: int) -> list[ReportReview]:
    referentiel = _referentiel()
    competency, level = referentiel.all_competencies()[0], referentiel.scale.levels[1]
    pending = [PendingRating(competency, level, RATED, None)]
    return [
        ReportReview(_person(n + 1, f"Person {n + 1}"), referentiel, pending) for n in range(count)
    ]


def test_the_list_shows_forty_reports_a_page_each_with_its_own_review_button() -> None:
    t = Translator("en")
    reviews = _reviews(45)
    first = review.pending_card(reviews, t)
    rows = _rows(first)
    assert len(rows) == 40
    assert "Person 1 — 1 competency to review" in rows[0].lines[0].plain()
    buttons = [row.button for row in rows if row.button is not None]
    assert {b.action for b in buttons} == {actions.REVIEW_OPEN}
    assert [b.value for b in buttons] == [b.key for b in buttons] == [str(n) for n in range(1, 41)]
    assert all(b.primary and b.label.plain() == "Review" for b in buttons)
    line, pager = _pager(first)
    assert line == "People 1–40 of 45"
    assert [(b.label.plain(), b.key, b.value) for b in pager] == [("Next →", "next", "1")]

    second = review.pending_card(reviews, t, page=1)
    assert [row.button.value for row in _rows(second) if row.button] == [
        "41",
        "42",
        "43",
        "44",
        "45",
    ]
    line, pager = _pager(second)
    assert line == "People 41–45 of 45"
    assert [(b.key, b.value) for b in pager] == [("prev", "0")]
    assert review.pending_card(reviews, t, page=99) == second  # a stale page: the last one
    assert review.pending_card(reviews, t, page=-4) == first


def test_a_list_that_fits_one_page_has_no_page_buttons_and_names_a_nameless_report() -> None:
    t = Translator("fr")
    referentiel = _referentiel()
    competency, level = referentiel.all_competencies()[0], referentiel.scale.levels[0]
    nameless = ReportReview(
        _person(9), referentiel, [PendingRating(competency, level, RATED, None)]
    )
    card = review.pending_card([nameless], t)
    assert _pager(card) == ("", [])
    [row] = _rows(card)
    assert "<@U0009>" in from_rich(row.lines[0])  # a mention where there is no name


def test_the_review_form_asks_a_level_per_self_rating_preselected_and_quotes_the_evidence() -> None:
    t = Translator("en")
    referentiel = _referentiel()
    first, second = referentiel.all_competencies()[:2]
    junior, senior = referentiel.scale.levels[0], referentiel.scale.levels[-1]
    proof = Evidence(
        text="Signed *Acme* <@channel>",
        link="https://crm.example/d?a=1|2",
        happened_on=date(2026, 12, 3),
    )
    pending = [
        PendingRating(first, senior, RATED, junior, [proof]),
        PendingRating(second, junior, RATED, None),
    ]
    today = date(2026, 12, 6)
    form = review.review_form(ReportReview(_person(12, "_Zoé_"), referentiel, pending, today), t)
    assert form.name == actions.REVIEW_FORM and form.submit is not None
    assert review.reviewed_report(form.state) == 12
    levels = [f for f in form.fields() if isinstance(f, ChoiceField) and f.key]
    assert [(f.key, f.initial, f.style) for f in levels] == [
        (first.id, (senior.id,), ChoiceStyle.LIST),
        (second.id, (junior.id,), ChoiceStyle.LIST),
    ]
    assert [c.value for c in levels[0].choices] == [lv.id for lv in referentiel.scale.levels]
    [comment] = [f for f in form.fields() if isinstance(f, TextField)]
    assert comment.optional and comment.multiline and comment.name == actions.REVIEW_COMMENT
    [share] = [f for f in form.fields() if f.name == actions.REVIEW_SHARE]
    assert isinstance(share, ChoiceField) and share.style is ChoiceStyle.SEVERAL and share.optional
    assert [c.value for c in share.choices] == [review.SHARE]
    assert share.choices[0].label.plain() == "Show this comment to _Zoé_"

    paragraphs = [b for b in form.blocks if isinstance(b, Paragraph)]
    heading, scale, about_first, asks_first, about_second, asks_second = paragraphs
    assert "_Zoé_" in heading.lines[0].plain() and referentiel.title in heading.lines[0].plain()
    assert all(lv.description in scale.lines[0].plain() for lv in referentiel.scale.levels)
    for competency, asks in ((first, asks_first), (second, asks_second)):
        quoted = "\n".join(line.plain() for line in asks.lines)
        assert quoted.startswith("What each level asks, in the framework's own words:")
        for level in referentiel.scale.levels:  # every level's cell, word for word
            assert f"{level.label}:" in quoted
            cell = competency.levels[level.id]
            assert all(aspect.text in quoted for aspect in cell.aspects)
            assert cell.expected_result is None or cell.expected_result in quoted
    assert about_first.one_piece and about_first.lines[0].plain() == first.label
    shown = from_rich(about_first.lines[-1])
    assert "∗Acme∗" in shown and "&lt;@channel&gt;" in shown  # quoted, never formatting
    assert "https://crm.example/d?a=1%7C2" in shown
    assert shown.startswith("Evidence from Dec 3: ")  # its day; this year's: no year
    assert any(junior.label in line.plain() for line in about_first.lines)  # the previous view
    assert len(about_second.lines) == 2  # no previous view, no evidence


def test_a_review_form_shows_at_most_twelve_self_ratings_says_how_many_wait_and_its_state_is_checked() -> (
    None
):
    referentiel = _referentiel()
    competency, level = referentiel.all_competencies()[0], referentiel.scale.levels[0]
    many = [PendingRating(competency, level, RATED, None)] * 40
    form = review.review_form(ReportReview(_person(3), referentiel, many), Translator("fr"))
    assert len([f for f in form.fields() if f.name == actions.REVIEW_LEVEL]) == review.REVIEW_ITEMS
    notes = [b.text.plain() for b in form.blocks if isinstance(b, Note)]
    assert notes == [
        "Encore 28 compétences à revoir après celles-ci : elles viendront dans la revue suivante."
    ]
    for forged in ("", "{}", "[]", "x", '{"report_id": "a"}', '{"report_id": null}'):
        assert review.reviewed_report(forged) == 0


def _digest(count: int) -> Digest:
    referentiel = _referentiel()
    first, second = referentiel.all_competencies()[:2]
    low, high = referentiel.scale.levels[0], referentiel.scale.levels[-1]
    # Newest first, as the digest reads them: the week's year, then the year before.
    days = (date(2026, 11, 24), date(2025, 12, 30), date(2025, 9, 1))
    proofs = [Evidence(text=f"proof {n}", link=None, happened_on=days[n]) for n in range(3)]
    changes = [Change(first, low, high, proofs), Change(second, None, low, [])]
    rows = [
        DigestRow(_person(n + 1, f"P{n + 1}"), referentiel, PromptStatus.DONE, changes, n % 2)
        for n in range(count)
    ]
    rows.append(
        DigestRow(_person(999, "Last"), referentiel, None, [Change(first, high, low, [])], 0)
    )
    return Digest(_person(1000, "Boss"), "2026-W48", rows)


def test_the_digest_says_what_moved_and_offers_review_only_where_something_awaits_it() -> None:
    t = Translator("en")
    card = review.digest_card(_digest(2), t)
    assert isinstance(card.blocks[0], Heading)
    assert card.blocks[0].text.plain() == card.fallback.plain() == "Team review — week 48"
    rows = [b for b in card.blocks if isinstance(b, Paragraph)]
    assert all(row.one_piece for row in rows)
    assert [row.button is not None for row in rows] == [False, True, False]  # pending: 0, 1, 0
    text = [line.plain() for line in rows[0].lines]
    assert text[0] == "P1 — checked in ✅"
    assert text[1].endswith("↑") and "(first rating)" in text[4]
    assert [line.strip() for line in text[2:4]] == [
        "Evidence from Nov 24: proof 0",
        "Evidence from Dec 30, 2025: proof 1",
    ]
    assert "1 self-rating to review" in rows[1].lines[-1].plain()
    last = [line.plain() for line in rows[2].lines]
    assert last[0] == "Last — no check-in planned" and last[1].endswith("↓")
    assert _pager(card) == ("", [])


def test_the_digests_pages_carry_the_week_and_hold_twenty_two_reports() -> None:
    t = Translator("fr")
    digest = _digest(49)  # 50 rows: three pages
    middle = review.digest_card(digest, t, page=1)
    assert len([b for b in middle.blocks if isinstance(b, Paragraph)]) == review.DIGEST_PAGE_SIZE
    line, pager = _pager(middle)
    assert line == "Personnes 23 à 44 sur 50"
    text = [line.plain().strip() for line in _rows(middle)[0].lines]
    assert "Preuve du 24 nov. : proof 0" in text and "Preuve du 30 déc. 2025 : proof 1" in text
    assert [(b.action, b.key, b.value) for b in pager] == [
        (actions.DIGEST_PAGE, "prev", "2026-W48/0"),
        (actions.DIGEST_PAGE, "next", "2026-W48/2"),
    ]
    assert review.digest_page_of(pager[1].value) == ("2026-W48", 2)
    assert review.digest_card(digest, t, page=7) == review.digest_card(digest, t, page=2)


def test_a_page_from_a_button_is_a_small_whole_number_or_the_first() -> None:
    assert [review.page_of(v) for v in ("3", "", "-1", "1e3", "²", "٣", "123456")] == [
        3,
        0,
        0,
        0,
        0,
        0,
        0,
    ]
    assert review.page_of("99999") == review.MAX_PAGE
    assert review.digest_page_of("2026-W48") == ("2026-W48", 0)
    assert [review.pages(n, 40) for n in (0, 1, 40, 41)] == [1, 1, 1, 2]


def test_the_manager_is_told_why_without_saying_more_than_gone() -> None:
    t = Translator("en")
    assert (
        review.refusal_text(NOT_MANAGER, t).plain() == "Reviews are for managers, for their team."
    )
    gone = "This review is no longer available."
    assert review.refusal_text(GONE, t).plain() == gone
    assert review.refusal_text("anything_else", t).plain() == gone
    assert review.saved_text(None, "U0042", t).plain() == "Review of U0042 saved."
    assert from_rich(review.saved_text("*Al*", "U0042", t)) == "Review of ∗Al∗ saved."
    assert review.nothing_text(t).plain().startswith("Nothing to review")


def test_ones_summary_shows_the_managers_level_beside_ones_own_only_where_reviewed() -> None:
    from dataclasses import replace

    from bot.domain.progress import RatingPoint, summarize
    from bot.views.summary import summary_card

    referentiel = _referentiel()
    first, second = referentiel.all_competencies()[:2]
    junior, middle, senior = referentiel.scale.levels
    ratings = [
        RatingPoint(first.id, junior.id, RATED),
        RatingPoint(first.id, middle.id, RATED.replace(day=27)),
        RatingPoint(second.id, senior.id, RATED),
    ]
    own = summarize(referentiel, ratings, {}, [], RATED.replace(day=28))
    reviewed = replace(own, manager={first.id: senior})
    lines = {
        locale: [
            line.plain() for line in summary_card(reviewed, Translator(locale)).blocks[1].lines
        ]
        for locale in ("fr", "en")
    }
    assert (
        lines["fr"][0] == "Prospection : vous : Intermédiaire ↑ (avant : Junior) · manager : Senior"
    )
    assert lines["en"][0] == "Prospection: you: Intermédiaire ↑ (was: Junior) · manager: Senior"
    assert lines["fr"][1] == "Qualification : Senior"  # not reviewed: one's own alone
    unreviewed = summary_card(own, Translator("fr")).blocks[1]
    assert not any("manager" in line.plain() for line in unreviewed.lines)
