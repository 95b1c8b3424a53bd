"""A manager's App Home: the team section, through the emulator (issue #10).

A company of 60 reports with three weeks of history (``tests/support/company.py``) in the
emulator's workspace; its manager opens their Home. The section says how many
self-ratings wait for review, how many of the 60 checked in this week and who (the
first names, then "and N others"), who is flagged; its buttons put the review list and
the team view in the manager's DM. Someone nobody reports to has no section. The
emulator checks the published Home against Slack's limits (100 blocks …).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from emulators.slack import render_view
from handlers.slack import ids
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import CheckinPrompt, Person, PromptStatus, Rater, Rating
from storage.rating_tracks import sync_tracks
from tests.slack.conftest import World
from tests.support.company import MANAGER_USER_ID, Company, build_company, report_user_id

CATALOG = ReferentielCatalog.load(None)
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 16:00 in Paris
REPORTS = 60
TRICKY = "<@U0BOSS> *Zoé* & <https://evil.example|clic>"  # a report's name, as typed

WORDS = {
    "fr": {
        "title": "Votre équipe cette semaine",
        "done": r"Check-ins : (\d+) faits? sur 60 cette semaine",
        "done_names": "Ont fait leur check-in : ",
        "not_yet": "Pas encore : ",
        "others": r"et (\d+) autres?",
        "waiting": r"(\d+) auto-évaluations? attendent? votre avis \((\d+) collaborateurs?\)",
        "attention": "Points d'attention",
        "gap": "Écart d'au moins un niveau avec le manager (1) : Report 00003",
        "review": "Ouvrir la revue",
        "team": "Vue d'équipe",
        "in_dm": "C'est dans votre conversation privée avec Palier.",
        "review_list": "Auto-évaluations à revoir",
        "team_summary": "Votre équipe : 60 personnes",
    },
    "en": {
        "title": "Your team this week",
        "done": r"Check-ins: (\d+) done out of 60 this week",
        "done_names": "Done: ",
        "not_yet": "Not yet: ",
        "others": r"and (\d+) others?",
        "waiting": r"(\d+) self-ratings? (?:is|are) waiting for your review \((\d+) reports?\)",
        "attention": "Worth a look",
        "gap": "A level or more apart from the manager (1): Report 00003",
        "review": "Open the review",
        "team": "Team view",
        "in_dm": "It is in your direct message with Palier.",
        "review_list": "Self-ratings to review",
        "team_summary": "Your team: 60 people",
    },
}


def _company(world: World, locale: str) -> Company:
    """The company in the emulator's workspace; its manager speaks ``locale``."""
    slack_locale = "fr-FR" if locale == "fr" else "en-US"
    world.emulator.add_user(MANAGER_USER_ID, "boss", "Boss", "boss@example.fr", locale=slack_locale)
    world.at(NOW)
    company = build_company(
        world.palier.core.sessions,
        CATALOG,
        reports=REPORTS,
        weeks=3,
        now=NOW,
        team_id=world.emulator.workspace.team_id,
    )
    with session_scope(world.palier.core.sessions) as session:
        session.execute(
            update(Person)
            .where(Person.id == company.manager_id)
            .values(locale=locale, locale_chosen=True)
        )
        session.execute(
            update(Person)
            .where(Person.platform_user_id == report_user_id(0))
            .values(display_name=TRICKY)
        )
        _disagree(session, company.report_ids[3])
    return company


def _disagree(session: Session, person_id: int) -> None:
    """The manager rates one competency of the report a level apart from the report."""
    person = session.get(Person, person_id)
    assert person is not None
    referentiel = CATALOG.get(person.referentiel_id or "")
    assert referentiel is not None
    own = session.scalars(
        select(Rating)
        .where(Rating.person_id == person_id, Rating.rater == Rater.SELF)
        .order_by(Rating.rated_at.desc(), Rating.id.desc())
    ).first()
    assert own is not None
    levels = [level.id for level in referentiel.scale.levels]
    other = levels[1] if own.level_id == levels[0] else levels[0]
    session.add(
        Rating(
            tenant_id=person.tenant_id,
            person_id=person_id,
            referentiel_id=own.referentiel_id,
            competency_id=own.competency_id,
            level_id=other,
            rater=Rater.MANAGER,
            rated_at=NOW - timedelta(hours=1),
        )
    )
    session.flush()
    sync_tracks(session, [person_id])


def _done_this_week(world: World, company: Company) -> int:
    with world.session() as session:
        return len(
            session.scalars(
                select(CheckinPrompt.id).where(
                    CheckinPrompt.person_id.in_(company.report_ids),
                    CheckinPrompt.cycle_key == company.cycle_key,
                    CheckinPrompt.status == PromptStatus.DONE,
                )
            ).all()
        )


def _home_text(world: World, user: str) -> str:
    before = world.driver.home(user)
    assert world.driver.app_home_opened(user).ok
    home = world.emulator.wait_for(
        lambda: (h := world.driver.home(user)) is not None and h != before and h
    )
    return render_view(home.data)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_manager_home_has_the_team_at_a_glance(world: World, locale: str) -> None:
    words = WORDS[locale]
    company = _company(world, locale)
    screen = _home_text(world, MANAGER_USER_ID)
    assert words["title"] in screen
    done = re.search(words["done"], screen)
    assert done is not None, screen
    assert int(done.group(1)) == _done_this_week(world, company) > 8
    # The names: the first eight of each list, then how many others.
    done_line = next(line for line in screen.splitlines() if words["done_names"] in line)
    others = re.search(words["others"], done_line)
    assert others is not None and int(others.group(1)) == int(done.group(1)) - 8
    assert words["not_yet"] in screen
    waiting = re.search(words["waiting"], screen)
    assert waiting is not None and int(waiting.group(1)) > 0, screen
    assert words["attention"] in screen
    assert words["gap"] in screen  # the team view's own flag, named
    # A name as typed: no mention, no link, no bold reaches the manager.
    home = world.driver.home(MANAGER_USER_ID)
    assert home is not None
    published = str(home.data)
    assert "<@U0BOSS>" not in published and "<https://evil" not in published
    labels = [button["text"]["text"] for button in world.driver.buttons(home)]
    assert words["review"] in labels and words["team"] in labels
    assert len(home.data["blocks"]) <= 100


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_section_buttons_put_the_review_and_the_team_view_in_the_dm(
    world: World, locale: str
) -> None:
    words = WORDS[locale]
    _company(world, locale)
    _home_text(world, MANAGER_USER_ID)
    home = world.driver.home(MANAGER_USER_ID)
    assert home is not None
    seen = len(world.dms(MANAGER_USER_ID))
    assert world.driver.click(MANAGER_USER_ID, home, action_id=ids.HOME_TEAM_REVIEW).ok
    notice = world.emulator.wait_for(lambda: world.driver.modal(MANAGER_USER_ID))
    assert words["in_dm"] in render_view(notice.data)
    dms = world.dms(MANAGER_USER_ID)
    assert len(dms) == seen + 1 and words["review_list"] in (dms[-1].text or "")
    review_buttons = world.driver.buttons(dms[-1])
    assert any(button["action_id"].startswith(ids.REVIEW_OPEN) for button in review_buttons)
    world.driver.close_view(MANAGER_USER_ID, notice)
    assert world.driver.click(MANAGER_USER_ID, home, action_id=ids.HOME_TEAM_VIEW).ok
    world.emulator.wait_for(lambda: world.driver.modal(MANAGER_USER_ID))
    # 60 reports: too many for tables, so the summary, with the files beside it, in the DM.
    after = world.dms(MANAGER_USER_ID)
    assert len(after) > seen + 1
    assert any(words["team_summary"] in (message.text or "") for message in after[seen + 1 :])


def test_someone_nobody_reports_to_has_no_team_section(world: World) -> None:
    _company(world, "fr")
    report = report_user_id(1)
    world.emulator.add_user(report, "report", "Report 00001", "r1@example.fr")
    screen = _home_text(world, report)
    home = world.driver.home(report)
    assert home is not None
    assert all(
        b["action_id"] not in (ids.HOME_TEAM_VIEW, ids.HOME_TEAM_REVIEW)
        for b in world.driver.buttons(home)
    )
    assert WORDS["fr"]["title"] not in screen
    assert WORDS["fr"]["team"] not in screen
