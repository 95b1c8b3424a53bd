"""The review modal, pure: what each level asks is quoted word for word, and a manager
reviewing every competency of the longest référentiel still gets modals Slack takes.

No network: the builder's output is serialised by slack_sdk.models, then checked by the
emulator's Block Kit validator (the published limits: a modal's 100 blocks, a section's
3,000 characters, an option's 75, a view's 250 kB), for all five référentiels, in French
and English.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.review import PendingRating, ReportReview
from bot.i18n import LOCALES, formats
from bot.views import review
from bot.views.referentiel import criteria_lines
from emulators.slack import render_view, validate_view
from emulators.slack.blockkit import VIEW_MAX_BYTES, view_size
from handlers.slack.builders.review_builder import review_modal
from handlers.slack.markup import slack_translator
from referentiels.loader import ReferentielCatalog
from referentiels.models import Competency, Referentiel
from storage.models import Evidence, Person

CATALOG = ReferentielCatalog.load(None)
REFERENTIELS = [r for r in (CATALOG.get(i) for i in CATALOG.ids()) if r is not None]
RATED = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# Evidence as long as a person may type it (the form shows each cut at a word).
# Dated with the longest day there is, with its year (the form is told no today).
PROOF = Evidence(
    text=("Rendez-vous client & relance " * 120).strip(),
    link="https://crm.example/d/1",
    happened_on=date(2025, 9, 30),
)


def _quoted_words(referentiel: Referentiel) -> int:
    """How many characters of the référentiel's words a review of everything quotes."""
    return sum(
        len(competency.label)
        + sum(len(line.plain()) for line in criteria_lines(competency))
        + sum(
            len(aspect.text) + len(aspect.outcome or "")
            for cell in competency.levels.values()
            for aspect in cell.aspects
        )
        for competency in referentiel.all_competencies()
    )


LONGEST = max(
    (r for r in REFERENTIELS if r.scale.origin == "palier"), key=_quoted_words
)  # the certification with the most words to quote


def _everything(referentiel: Referentiel) -> list[PendingRating]:
    """Every competency self-rated, reviewed before, with three long pieces of evidence."""
    low, high = referentiel.scale.levels[0], referentiel.scale.levels[-1]
    return [
        PendingRating(competency, high, RATED, low, [PROOF, PROOF, PROOF])
        for competency in referentiel.all_competencies()
    ]


def _in_screen(competency: Competency, referentiel: Referentiel, screen: str) -> None:
    """The competency's whole statement and what each level asks, word for word."""
    assert competency.label in screen
    for level in referentiel.scale.levels:
        cell = competency.levels.get(level.id)
        for aspect in cell.aspects if cell else ():
            assert aspect.text in screen
            assert aspect.outcome is None or aspect.outcome in screen
        assert cell is None or cell.expected_result is None or cell.expected_result in screen
    for criterion in competency.criteria:
        assert criterion.text in screen
        assert all(item in screen for item in criterion.items)
        assert criterion.conclusion is None or criterion.conclusion in screen


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("referentiel", REFERENTIELS, ids=lambda r: r.id)
def test_reviewing_everything_takes_modals_slack_accepts_each_quoting_every_level(
    referentiel: Referentiel, locale: str
) -> None:
    """A manager who reviews form after form sees every competency once, each with what
    every level asks; every modal is within Slack's limits."""
    t = slack_translator(locale)  # type: ignore[arg-type]
    person = Person(id=5, platform_user_id="U0ALICE", display_name="Alice Martin")
    left = _everything(referentiel)
    seen: list[str] = []
    while left:
        view = review_modal(ReportReview(person, referentiel, left), t).to_dict()
        assert validate_view(view) == []
        assert len(view["blocks"]) <= 100 and view_size(view) <= VIEW_MAX_BYTES
        screen = render_view(view)
        radios = [b for b in view["blocks"] if b.get("block_id", "").startswith("review_level:")]
        shown = [r["block_id"].partition(":")[2] for r in radios]
        assert shown and shown == [item.competency.id for item in left[: len(shown)]]
        for item in left[: len(shown)]:
            _in_screen(item.competency, referentiel, screen)
            assert formats.short_label(item.competency) in screen  # named short, quoted whole
        day = formats.evidence_day(PROOF.happened_on, None, t)
        assert screen.count(day) == 3 * len(shown)  # every piece of evidence dated
        for radio in radios:
            options = radio["element"]["options"]
            assert len(options) == len(referentiel.scale.levels)
        seen.extend(shown)
        left = left[len(shown) :]
        more = "compétence" if locale == "fr" else "more competenc"
        assert (f"{len(left)} {more}" in screen) == bool(left)  # how many come next
    assert seen == [c.id for c in referentiel.all_competencies()]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_longest_certification_quotes_its_criteria_and_palier_scale_in_one_modal(
    locale: str,
) -> None:
    """The certification with the most words: the scale's meanings once at the top, and
    for each competency its criteria said to be the same at every level."""
    t = slack_translator(locale)  # type: ignore[arg-type]
    person = Person(id=5, platform_user_id="U0BOB", display_name="Bob Stone")
    pending = _everything(LONGEST)
    view = review_modal(ReportReview(person, LONGEST, pending), t).to_dict()
    assert validate_view(view) == []
    screen = render_view(view)
    for level in LONGEST.scale.levels:
        assert t(f"scale.{level.id}.description") in screen
    same = (
        "Critères d'évaluation, les mêmes à chaque niveau"
        if locale == "fr"
        else "Evaluation criteria, the same at every level"
    )
    shown = screen.count(same)
    assert 1 <= shown <= review.REVIEW_ITEMS
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert all(len(text) <= 3000 for text in texts)
