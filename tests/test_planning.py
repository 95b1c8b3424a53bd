"""Planning prompts from enrolments, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, select

from bot.domain.planning import PlanningPolicy, plan_prompts
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import CheckinPrompt, Person, Platform, Rater, Rating, Tenant

CATALOG = ReferentielCatalog.load()
# Monday 23 November 2026, 09:00 UTC: cycle 2026-W48 everywhere below.
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    return migrated_engine


def _people(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        tenant = Tenant(platform=Platform.SLACK, external_id="T1")
        session.add(tenant)
        session.flush()
        rows = [
            ("UPARIS", "Europe/Paris", "account-executive", None, None, None, True),
            ("UNYC", "America/New_York", "account-executive", 0, time(9, 30), None, True),
            ("UKOL", "Asia/Kolkata", "manager-grands-comptes", None, None, None, True),
            ("UPAUSED", "Europe/Paris", "account-executive", None, None, date(2026, 11, 27), True),
            ("UGONE", "Europe/Paris", "account-executive", None, None, None, False),
            ("UNOREF", "Europe/Paris", None, None, None, None, True),
        ]
        for user, tz, ref, weekday, at, paused, active in rows:
            session.add(
                Person(
                    tenant_id=tenant.id,
                    platform_user_id=user,
                    timezone=tz,
                    referentiel_id=ref,
                    checkin_weekday=weekday,
                    checkin_time=at,
                    paused_until=paused,
                    active=active,
                )
            )


def _prompts(engine: Engine) -> dict[str, CheckinPrompt]:
    with session_scope(make_session_factory(engine)) as session:
        rows = session.execute(
            select(Person.platform_user_id, CheckinPrompt).join(
                CheckinPrompt, CheckinPrompt.person_id == Person.id
            )
        ).all()
        return {user: prompt for user, prompt in rows}


def test_plans_each_enrolled_person_at_their_local_time(engine: Engine) -> None:
    _people(engine)
    with session_scope(make_session_factory(engine)) as session:
        assert plan_prompts(session, CATALOG, MONDAY, PlanningPolicy()) == 4
    prompts = _prompts(engine)
    assert set(prompts) == {"UPARIS", "UNYC", "UKOL", "UPAUSED"}
    # Thursday 16:00 in Paris (UTC+1 in November).
    assert prompts["UPARIS"].scheduled_at == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    assert prompts["UPARIS"].cycle_key == "2026-W48"
    # Their own Monday 09:30 in New York: already due this cycle (UTC-5).
    assert prompts["UNYC"].scheduled_at == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert prompts["UKOL"].scheduled_at == datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    # Paused through Friday: next week's Thursday, in the next cycle.
    assert prompts["UPAUSED"].cycle_key == "2026-W49"
    # A matrix of 5: all of them; a référentiel of 18: three a week, in référentiel order.
    assert prompts["UPARIS"].competency_ids == [
        "prospection",
        "qualification",
        "justification",
        "closing",
        "valeurs",
    ]
    assert prompts["UKOL"].competency_ids == ["C1", "C2", "C3"]


def test_planning_twice_creates_nothing_more(engine: Engine) -> None:
    _people(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        plan_prompts(session, CATALOG, MONDAY, PlanningPolicy())
    with session_scope(factory) as session:
        assert plan_prompts(session, CATALOG, MONDAY + timedelta(hours=1), PlanningPolicy()) == 0
    assert len(_prompts(engine)) == 4


def test_rotation_asks_least_recently_rated_first(engine: Engine) -> None:
    _people(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "UKOL")).one()
        for n, code in enumerate(["C1", "C2", "C3", "C4"]):
            session.add(
                Rating(
                    tenant_id=person.tenant_id,
                    person_id=person.id,
                    referentiel_id="manager-grands-comptes",
                    competency_id=code,
                    level_id="acquis",
                    rater=Rater.SELF,
                    rated_at=MONDAY - timedelta(days=10 - n),
                )
            )
    with session_scope(factory) as session:
        plan_prompts(session, CATALOG, MONDAY, PlanningPolicy())
    assert _prompts(engine)["UKOL"].competency_ids == ["C5", "C6", "C7"]
