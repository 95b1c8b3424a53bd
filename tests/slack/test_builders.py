"""The Block Kit builders, pure: every référentiel fits Slack's limits and is quoted exactly.

No mocks and no network: the builders' output is serialised by slack_sdk.models
(which checks some limits) and then checked by the emulator's Block Kit validator
(all the documented limits), for all five référentiels and both languages.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app.summary import HelpView
from bot.domain.access import readers_of
from bot.domain.checkin import CheckinForm, CheckinItem, next_level_of
from bot.domain.progress import RatingPoint, summarize
from bot.domain.snooze import snooze_options
from bot.i18n import LOCALES, formats
from emulators.slack import render_blocks, render_view, validate_blocks, validate_view
from handlers.slack.builders import prompt_builder
from handlers.slack.builders.checkin_builder import CheckinMetadata, checkin_modal
from handlers.slack.builders.mrkdwn import sections
from handlers.slack.builders.summary_builder import help_message, summary_blocks
from handlers.slack.markup import slack_translator
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

CATALOG = ReferentielCatalog.load(None)
REFERENTIELS = [CATALOG.get(i) for i in CATALOG.ids()]
CLOSES = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


def _form(referentiel: Referentiel, ids: list[str], rank: int | None) -> CheckinForm:
    paths = {c.id: groups for groups, c in referentiel.iter_competencies()}
    items = []
    for competency_id in ids:
        competency = referentiel.competency(competency_id)
        assert competency is not None
        current = referentiel.scale.levels[rank] if rank is not None else None
        upcoming = next_level_of(referentiel, current)
        items.append(
            CheckinItem(
                competency,
                paths[competency_id],
                current,
                upcoming,
                competency.levels.get(upcoming.id) if upcoming else None,
            )
        )
    return CheckinForm(7, "2026-W48", CLOSES, referentiel, items)


def _weeks(referentiel: Referentiel) -> list[list[str]]:
    ids = [c.id for c in referentiel.all_competencies()]
    if len(ids) <= 6:
        return [ids]
    return [ids[i : i + 3] for i in range(0, len(ids), 3)]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("referentiel", REFERENTIELS, ids=lambda r: r.id if r else "?")
def test_every_checkin_modal_fits_slack_and_quotes_the_next_level(
    referentiel: Referentiel, locale: str
) -> None:
    t = slack_translator(locale)  # type: ignore[arg-type]
    for rank in (None, *range(len(referentiel.scale.levels))):
        for week in _weeks(referentiel):
            form = _form(referentiel, week, rank)
            view = checkin_modal(form, CheckinMetadata(7, "D1", "1.0"), t).to_dict()
            assert validate_view(view) == []
            screen = render_view(view)
            for item in form.items:
                assert item.competency.title in screen
                if item.next_descriptor is not None:
                    for aspect in item.next_descriptor.aspects:
                        assert aspect.text in screen
                for criterion in item.competency.criteria:
                    assert criterion.text in screen
            # Every level of the scale is an option, by the référentiel's (or Palier's) name.
            radios = [b for b in view["blocks"] if b.get("block_id", "").startswith("level:")]
            assert len(radios) == len(week)
            assert all(
                len(r["element"]["options"]) == len(referentiel.scale.levels) for r in radios
            )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("referentiel", REFERENTIELS, ids=lambda r: r.id if r else "?")
def test_every_summary_fits_a_message(referentiel: Referentiel, locale: str) -> None:
    t = slack_translator(locale)  # type: ignore[arg-type]
    start = datetime(2026, 7, 1, tzinfo=UTC)
    ratings = []
    for week in range(20):
        for index, competency in enumerate(referentiel.all_competencies()):
            level = referentiel.scale.levels[
                min(len(referentiel.scale.levels) - 1, (week + index) // 8)
            ]
            ratings.append(RatingPoint(competency.id, level.id, start + timedelta(weeks=week)))
    summary = summarize(referentiel, ratings, {}, [], datetime(2026, 10, 1, tzinfo=UTC))
    blocks = [b.to_dict() for b in summary_blocks(summary, t)]
    assert validate_blocks(blocks) == []
    text = render_blocks(blocks)
    for competency in referentiel.all_competencies():
        # One line each: the code and a short form of a long title, from its own words.
        assert formats.short_label(competency) in text


def test_summary_shows_changes_and_quotes_the_weakest_next_level() -> None:
    ae = CATALOG.get("account-executive")
    assert ae is not None
    t = slack_translator("fr")
    before, after = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
    ratings = [
        RatingPoint("prospection", "junior", before),
        RatingPoint("prospection", "intermediaire", after),
        *[
            RatingPoint(c.id, "junior", after)
            for c in ae.all_competencies()
            if c.id != "prospection"
        ],
    ]
    summary = summarize(ae, ratings, {"prospection": 2}, [], datetime(2026, 10, 1, tzinfo=UTC))
    text = render_blocks([b.to_dict() for b in summary_blocks(summary, t)])
    assert (
        "Prospection : Intermédiaire ↑ (avant : Junior) · trimestre : Junior → Intermédiaire ↑ · 2 preuves"
        in text
    )
    assert "Niveau atteint : Junior" in text
    assert "Vers « Intermédiaire » : 1 compétence sur 5 y est déjà." in text
    weakest = ae.competencies[1]  # the first competency still at Junior, in référentiel order
    assert f"Prochaine étape — {weakest.title} → « Intermédiaire »" in text
    for aspect in weakest.levels["intermediaire"].aspects:
        assert aspect.text in text


def test_prompt_states_and_help_fit_and_carry_the_prompt_id() -> None:
    ae = CATALOG.get("account-executive")
    assert ae is not None
    form = _form(ae, [c.id for c in ae.all_competencies()], None)
    snooze = snooze_options(CLOSES - timedelta(days=3), "Europe/Paris", CLOSES)
    assert len(snooze) == 3
    for locale in LOCALES:
        t = slack_translator(locale)
        for blocks in (
            prompt_builder.prompt_blocks(form, "Europe/Paris", t, snooze=snooze),
            prompt_builder.reminder_blocks(
                form, "Europe/Paris", t, after_snooze=True, snooze=snooze
            ),
            prompt_builder.skipped_blocks(form, "Europe/Paris", t, snooze=snooze),
            prompt_builder.snoozed_blocks(
                form, CLOSES - timedelta(hours=5), "Europe/Paris", t, snooze=snooze
            ),
            prompt_builder.came_back_blocks(form, CLOSES - timedelta(hours=5), "Europe/Paris", t),
            prompt_builder.earlier_blocks(form, t),
            prompt_builder.done_blocks(form, t),
            prompt_builder.missed_blocks(form, t),
            help_message(t, "dance", HelpView(readers_of(None, indirect=False), True, True))[1],
            help_message(t, "tema", HelpView(readers_of(None, indirect=False), suggestion="team"))[
                1
            ],
        ):
            payload = [b.to_dict() for b in blocks]
            assert validate_blocks(payload) == []
            for block in payload:
                for element in block.get("elements", []):
                    if element.get("type") == "button":
                        assert element["value"] == "7"


def test_long_text_is_cut_at_line_ends_into_sections() -> None:
    lines = [f"ligne {i} " + "x" * 990 for i in range(7)]
    blocks = sections("\n".join(lines))
    texts = [b.to_dict()["text"]["text"] for b in blocks]
    assert all(len(text) <= 3000 for text in texts)
    assert "\n".join(texts) == "\n".join(lines)
    assert all(text.startswith("ligne") for text in texts)


def test_a_certification_half_rated_counts_what_is_rated_and_aims_above_non_acquis() -> None:
    b2b = CATALOG.get("manager-equipe-vendeurs-b2b")
    assert b2b is not None
    t = slack_translator("fr")
    first = b2b.all_competencies()[:3]
    ratings = [RatingPoint(c.id, "en_cours", datetime(2026, 11, 20, tzinfo=UTC)) for c in first]
    summary = summarize(b2b, ratings, {}, [], datetime(2026, 10, 1, tzinfo=UTC))
    text = render_blocks([b.to_dict() for b in summary_blocks(summary, t)])
    assert "Évaluées jusqu'ici : 3 compétences sur 17." in text
    assert "Non acquis »" not in text
    assert f"Prochaine étape — {formats.short_label(first[0])} → « Acquis »" in text
    assert len(first[0].label) > formats.SHORT_LABEL  # so the heading is the short form
    # Nothing rated at all: no "next step" towards « Non acquis » either.
    empty = summarize(b2b, [], {}, [], datetime(2026, 10, 1, tzinfo=UTC))
    assert "Prochaine étape" not in render_blocks([b.to_dict() for b in summary_blocks(empty, t)])
    # The modal of an unrated competency does not aim at « Non acquis ».
    view = checkin_modal(_form(b2b, [first[0].id], None), CheckinMetadata(7), t).to_dict()
    assert "Pour atteindre" not in render_view(view)
