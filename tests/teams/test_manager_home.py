"""A manager's page in Teams (issue #10): their team this week, end to end.

Chloé manages Alice, who checked in, and Bob, who has not yet; Palier does not follow
Chloé on a référentiel of her own, so her page is her team's: what waits for her review,
who checked in this week and who has not, the team view's flags, and Open the review and
Team view, which post what ``revue`` and ``équipe`` post. A member's page has no team.
Through the real Teams SDK and the emulator, SQLite and PostgreSQL, French and English.
"""

from __future__ import annotations

import pytest

from emulators.teams import Message, User
from storage.db import session_scope
from storage.models import Person
from tests.teams.conftest import TeamsWorld
from tests.teams.managers import check_in, sent, team

TYPED = "Bob **Stone** <b>x</b>"

WORDS = {
    "en": {
        "page": "home",
        "title": "Palier — your team",
        "waiting": "5 self-ratings are waiting for your review (1 report).",
        "done": "Check-ins: 1 done out of 2 this week",
        "done_names": "Done: Alice Martin",
        "not_yet": f"Not yet: {TYPED}",
        "clear": "Nothing worth a look.",
        "review": "Open the review",
        "team": "Team view",
        "listing": "Alice Martin — 5 competencies to review",
        "team_card": "Your team — Account Executive",
    },
    "fr": {
        "page": "accueil",
        "title": "Palier — votre équipe",
        "waiting": "5 auto-évaluations attendent votre avis (1 collaborateur).",
        "done": "Check-ins : 1 fait sur 2 cette semaine",
        "done_names": "A fait son check-in : Alice Martin",
        "not_yet": f"Pas encore : {TYPED}",
        "clear": "Aucun point d'attention.",
        "review": "Ouvrir la revue",
        "team": "Vue d'équipe",
        "listing": "Alice Martin — 5 compétences à revoir",
        "team_card": "Votre équipe — Account Executive",
    },
}


def _manager_in(world: TeamsWorld, locale: str) -> User:
    """Chloé's team, Bob named as typed; Chloé reads Teams in ``locale``."""
    people = team(world)
    with session_scope(world.core.sessions) as session:
        for person in session.query(Person):
            if person.platform_user_id == people.bob.aad_object_id:
                person.display_name = TYPED
            if person.platform_user_id == people.chloe.aad_object_id:
                person.locale, person.locale_chosen = locale, True
    world.tick()
    check_in(world, people.alice, "intermediaire")
    return people.chloe


def _page(world: TeamsWorld, user: User, typed: str) -> Message:
    world.teams.send_message(user, typed)
    page = world.teams.latest_message(user)
    assert page is not None
    return page


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_a_manager_page_shows_the_team_and_opens_the_review_and_the_team_view(
    world: TeamsWorld, locale: str
) -> None:
    words = WORDS[locale]
    chloe = _manager_in(world, locale)
    page = _page(world, chloe, words["page"])
    screen = world.teams.render(page)
    for key in ("title", "waiting", "done", "done_names", "not_yet", "clear"):
        assert words[key] in screen, (key, screen)
    assert "<b>" not in str(page.card).replace(TYPED, "")  # the name only as text

    before = len(sent(world, chloe))
    assert world.teams.click(chloe, page, words["review"]).status == 200
    [listing] = sent(world, chloe)[before:]
    assert words["listing"] in world.teams.render(listing)

    before = len(sent(world, chloe))
    assert world.teams.click(chloe, page, words["team"]).status == 200
    answers = sent(world, chloe)[before:]
    assert answers and words["team_card"] in world.teams.render(answers[0])


def test_a_member_page_has_no_team(world: TeamsWorld) -> None:
    _manager_in(world, "fr")
    screen = world.teams.render(_page(world, world.alice, "accueil"))
    assert "Votre équipe cette semaine" not in screen and "Vue d'équipe" not in screen
    assert "Bob" not in screen
