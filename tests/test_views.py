"""Neutral views: text typed by what it is, rendered by each front end its own way."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.checkin import CheckinForm, CheckinItem
from bot.domain.progress import RatingPoint, summarize
from bot.domain.snooze import snooze_options
from bot.i18n import Translator
from bot.i18n.rich import Mention, Plain, Rich, Typed, literal, strip_markup
from bot.settings import load_settings
from bot.views import actions, prompt
from bot.views.cards import Actions, Heading, Note, Paragraph
from bot.views.evidence import saved_card
from bot.views.review import notice_card
from bot.views.summary import summary_card
from handlers.slack.builders.mrkdwn import from_rich
from referentiels.loader import ReferentielCatalog

CATALOG = ReferentielCatalog.load(load_settings(env_file=None).referentiels_dir)


def test_plain_text_drops_markup_and_keeps_values_as_written() -> None:
    text = Rich(
        "**Vers « {level} »** : [voir]({url})", {"level": Plain("<A & B>"), "url": Plain("u")}
    )
    assert text.plain() == "Vers « <A & B> » : voir"


def test_each_kind_of_value_is_escaped_its_own_way_in_slack() -> None:
    text = Rich(
        "**{quoted}** {typed} {who} {count}",
        {"quoted": Plain("a < b"), "typed": Typed("*Boss*"), "who": Mention("U1"), "count": 3},
    )
    assert from_rich(text) == "*a &lt; b* \u2217Boss\u2217 <@U1> 3"


def test_markup_inside_a_value_is_never_markup() -> None:
    text = Rich("{x}", {"x": Plain("**gras** [lien](https://evil.example)")})
    assert from_rich(text) == "**gras** [lien](https://evil.example)"
    assert text.plain() == "**gras** [lien](https://evil.example)"


@given(st.lists(st.text(max_size=20), max_size=6))
def test_joining_keeps_every_part_in_order_whatever_it_contains(parts: list[str]) -> None:
    joined = Rich.join([literal(part) for part in parts])
    assert joined.plain() == "\n".join(strip_markup(part) for part in parts)


def test_the_summary_card_quotes_the_referentiel_and_keeps_the_streak_last() -> None:
    referentiel = CATALOG.get("account-executive")
    assert referentiel is not None
    moment = datetime(2026, 11, 20, tzinfo=UTC)
    ratings = [RatingPoint(c.id, "junior", moment) for c in referentiel.all_competencies()]
    card = summary_card(summarize(referentiel, ratings, {}, [], moment), Translator("en"))
    assert isinstance(card.blocks[0], Heading)
    assert referentiel.title in card.blocks[0].text.plain()
    lines = [
        line.plain()
        for block in card.blocks
        if isinstance(block, Paragraph)
        for line in block.lines
    ]
    assert all(any(c.label in line for line in lines) for c in referentiel.all_competencies())
    assert isinstance(card.blocks[-1], Note) and card.keep_last == 1


_CLOSES = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def _prompt_form() -> CheckinForm:
    referentiel = CATALOG.get("account-executive")
    assert referentiel is not None
    items = [
        CheckinItem(c, (), None, referentiel.scale.levels[0], None)
        for c in referentiel.all_competencies()[:3]
    ]
    return CheckinForm(7, "2026-W48", _CLOSES, referentiel, items)


# Thursday 26 November 2026, 16:00 in Paris: the three snooze choices are open.
SNOOZE = snooze_options(datetime(2026, 11, 26, 15, tzinfo=UTC), "Europe/Paris", _CLOSES)


def test_the_prompt_offers_start_skip_once_confirmed_and_the_snooze_choices() -> None:
    card = prompt.prompt_card(_prompt_form(), "Europe/Paris", Translator("fr"), snooze=SNOOZE)
    [row] = [block for block in card.blocks if isinstance(block, Actions)]
    assert [b.action for b in row.buttons] == [
        actions.START_CHECKIN,
        actions.SKIP_CHECKIN,
        *[actions.SNOOZE_CHECKIN] * 3,
    ]
    assert [b.key for b in row.buttons] == [None, None, "hour", "evening", "morning"]
    assert [b.label.plain() for b in row.buttons[2:]] == [
        "Rappel dans une heure",
        "Rappel ce soir à 18:00",
        "Rappel demain à 09:00",
    ]
    assert [b.primary for b in row.buttons] == [True, False, False, False, False]
    assert [b.confirm is not None for b in row.buttons] == [False, True, False, False, False]
    assert {b.value for b in row.buttons} == {"7"}
    assert "semaine 48" in card.fallback.plain()
    # Too late in the week for any snooze: no snooze button at all.
    late = prompt.prompt_card(_prompt_form(), "Europe/Paris", Translator("fr"), snooze=())
    [row] = [block for block in late.blocks if isinstance(block, Actions)]
    assert [b.action for b in row.buttons] == [actions.START_CHECKIN, actions.SKIP_CHECKIN]


def test_a_prompt_once_acted_on_keeps_only_the_buttons_that_still_make_sense() -> None:
    form, t = _prompt_form(), Translator("en")
    skipped = [
        b
        for b in prompt.skipped_card(form, "Europe/Paris", t, snooze=SNOOZE[2:]).blocks
        if isinstance(b, Actions)
    ]
    assert [b.action for b in skipped[0].buttons] == [actions.START_CHECKIN, actions.SNOOZE_CHECKIN]
    assert skipped[0].buttons[1].label.plain() == "Remind me tomorrow at 9:00\u202fAM"
    until = datetime(2026, 11, 26, 17, tzinfo=UTC)
    for card in (
        prompt.done_card(form, t),
        prompt.missed_card(form, t),
        prompt.came_back_card(form, until, "Europe/Paris", t),
        prompt.earlier_card(form, t),
    ):
        assert not any(isinstance(block, Actions) for block in card.blocks)


def test_a_long_competency_name_is_cut_at_a_word_in_the_prompt() -> None:
    long = "Conduire un entretien de découverte " * 6
    short = prompt.short_name(long)
    assert len(short) <= prompt.NAME_LIMIT + 1 and short.endswith("…")
    assert long.startswith(short[:-1])


def test_the_evidence_confirmation_names_the_competency_and_the_link_only_when_given() -> None:
    referentiel = CATALOG.get("account-executive")
    assert referentiel is not None
    competency = referentiel.all_competencies()[0]
    t = Translator("en")
    with_link = saved_card(competency, "https://crm.example.com/deals/7?a=1&b=2", t)
    [paragraph] = with_link.blocks
    assert isinstance(paragraph, Paragraph) and len(paragraph.lines) == 2
    assert "https://crm.example.com/deals/7?a=1&b=2" in paragraph.lines[1].plain()
    assert competency.label in with_link.fallback.plain()
    [alone] = saved_card(competency, None, t).blocks
    assert isinstance(alone, Paragraph) and len(alone.lines) == 1


def test_a_reports_notice_names_the_manager_and_shares_the_comment_only_when_given() -> None:
    referentiel = CATALOG.get("account-executive")
    assert referentiel is not None
    first, second = referentiel.all_competencies()[:2]
    junior, senior = referentiel.scale.levels[0], referentiel.scale.levels[-1]
    reviewed = [(first, senior, senior), (second, junior, senior)]
    t = Translator("en")
    card = notice_card(Mention("U0MARION", "Marion"), referentiel, reviewed, None, t)
    [paragraph] = card.blocks
    assert isinstance(paragraph, Paragraph) and len(paragraph.lines) == 3
    assert "Marion" in card.fallback.plain()
    assert "confirmed" in paragraph.lines[1].plain()
    assert senior.label in paragraph.lines[2].plain() and junior.label in paragraph.lines[2].plain()
    shared = notice_card(Mention("U0MARION"), referentiel, reviewed, "*Bravo*", t)
    assert isinstance(shared.blocks[-1], Note) and "*Bravo*" in shared.blocks[-1].text.plain()
    assert from_rich(shared.blocks[-1].text).count("*") == 0  # never bold in Slack
