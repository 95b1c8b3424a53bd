"""The team section of a manager's page, built and rendered with no request (issue #10):
names listed the language's way, cut after eight with "and N others" (a real plural);
a team of sixty with long, tricky names fits Slack's Home (100 blocks) and a Teams
message; what people are called never becomes formatting."""

from __future__ import annotations

import json

import pytest

from bot.domain.home_team import TeamPage, TeamPulse
from bot.domain.team import Flag
from bot.i18n import translator
from bot.views.home import page_card
from bot.views.home_team import names_text
from handlers.slack.builders.home_builder import page_view
from handlers.slack.markup import slack_translator
from handlers.teams.render import Renderer
from handlers.teams.wording import teams_translator

TRICKY = "<@U0BOSS> *Zoé* & <https://evil.example|clic> `x` ~y~ _z_"


def _names(count: int) -> tuple[str, ...]:
    return tuple(f"Personne {index:02d}" for index in range(count))


@pytest.mark.parametrize(
    ("locale", "count", "expected"),
    [
        ("fr", 3, "Personne 00, Personne 01 et Personne 02"),
        ("en", 3, "Personne 00, Personne 01, and Personne 02"),
        (
            "fr",
            8,
            "Personne 00, Personne 01, Personne 02, Personne 03, Personne 04, "
            "Personne 05, Personne 06 et Personne 07",
        ),
        (
            "fr",
            9,
            "Personne 00, Personne 01, Personne 02, Personne 03, Personne 04, "
            "Personne 05, Personne 06, Personne 07 et 1 autre",
        ),
        (
            "en",
            9,
            "Personne 00, Personne 01, Personne 02, Personne 03, Personne 04, "
            "Personne 05, Personne 06, Personne 07 and 1 other",
        ),
        (
            "fr",
            60,
            "Personne 00, Personne 01, Personne 02, Personne 03, Personne 04, "
            "Personne 05, Personne 06, Personne 07 et 52 autres",
        ),
        (
            "en",
            60,
            "Personne 00, Personne 01, Personne 02, Personne 03, Personne 04, "
            "Personne 05, Personne 06, Personne 07 and 52 others",
        ),
    ],
)
def test_names_are_listed_then_cut_with_a_real_plural(
    locale: str, count: int, expected: str
) -> None:
    t = translator("en-US" if locale == "en" else "fr")
    assert names_text(_names(count), t).plain() == expected


def _sixty() -> TeamPulse:
    """Sixty reports with names of 200 characters, the first one typed to trick."""
    names = [TRICKY, *(f"{'Très-long-nom ' * 14}{index:02d}" for index in range(59))]
    return TeamPulse(
        reviews=412,
        reviewed_people=57,
        done=tuple(names[:40]),
        skipped=5,
        not_yet=tuple(names[45:]),
        flagged={flag: tuple(names[:30]) for flag in Flag},
    )


@pytest.mark.parametrize("locale", ["fr", "en-US"])
def test_a_team_of_sixty_fits_slack_and_teams_names_as_typed(locale: str) -> None:
    page = TeamPage(_sixty())
    view = page_view(page, slack_translator(translator(locale).locale)).to_dict()
    assert len(view["blocks"]) <= 100
    published = json.dumps(view, ensure_ascii=False)
    assert "<@U0BOSS>" not in published and "<https://evil" not in published
    assert "*Zoé*" not in published  # shown with look-alikes, never bold
    card = page_card(page, teams_translator(translator(locale).locale))
    assert Renderer().fits(card)
