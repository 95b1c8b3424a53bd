"""Planning prompts from enrolments, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.domain.planning import PlanningPolicy, ensure_current_prompt, plan_prompts
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import CheckinPrompt, Evidence, Person, Platform, Rater, Rating, Tenant
from tests.support.company import statements

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


# --- the rotation towards the gaps of a certification ---------------------------------

GRANDS_COMPTES = CATALOG.get("manager-grands-comptes")


def _rated_a_cycle_ago(session: Session, person: Person) -> None:
    """18 competencies rated three a week over the last six weeks (none due again:
    on a certification a competency rests 11 weeks), C1–C3 the longest ago."""
    for n in range(18):
        session.add(
            Rating(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id="manager-grands-comptes",
                competency_id=f"C{n + 1}",
                level_id="acquis",
                rater=Rater.SELF,
                rated_at=MONDAY - timedelta(weeks=6 - n // 3, hours=-1),
            )
        )


def _evidence(session: Session, person: Person, competency: str, key: str | None) -> None:
    session.add(
        Evidence(
            tenant_id=person.tenant_id,
            person_id=person.id,
            referentiel_id="manager-grands-comptes",
            competency_id=competency,
            criterion_key=key,
            text="Un compte repris",
            happened_on=date(2026, 11, 2),
        )
    )


def test_on_a_certification_the_week_favours_criteria_without_evidence(engine: Engine) -> None:
    _people(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "UKOL")).one()
        _rated_a_cycle_ago(session, person)
        for n in range(1, 16):  # C1–C15 covered by evidence tied to no criterion
            _evidence(session, person, f"C{n}", None)
        # C16: one criterion of its three covered; C17, C18: nothing.
        assert GRANDS_COMPTES is not None
        c16 = GRANDS_COMPTES.competency("C16")
        assert c16 is not None and len(c16.criteria) == 3
        _evidence(session, person, "C16", c16.criterion_key(0))
        # Evidence logged on another référentiel covers nothing here.
        session.add(
            Evidence(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id="business-developer",
                competency_id="C17",
                text="Ailleurs",
                happened_on=date(2026, 11, 2),
            )
        )
    with session_scope(factory) as session:
        plan_prompts(session, CATALOG, MONDAY, PlanningPolicy())
    # The plain rotation would ask C1–C3 (the oldest); these are the gaps.
    assert _prompts(engine)["UKOL"].competency_ids == ["C16", "C17", "C18"]


def test_a_check_in_asked_for_leans_towards_the_gaps_too(engine: Engine) -> None:
    _people(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "UKOL")).one()
        _rated_a_cycle_ago(session, person)
        for n in range(1, 19):
            if n not in (4, 9, 12):
                _evidence(session, person, f"C{n}", None)
    with session_scope(factory) as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "UKOL")).one()
        assert GRANDS_COMPTES is not None
        prompt = ensure_current_prompt(session, person, GRANDS_COMPTES, MONDAY, PlanningPolicy())
        assert prompt.competency_ids == ["C4", "C9", "C12"]


def _candidates(engine: Engine, count: int) -> None:
    """``count`` certification candidates of one workspace, each with ratings and evidence."""
    with session_scope(make_session_factory(engine)) as session:
        tenant = Tenant(platform=Platform.SLACK, external_id=f"T{count}")
        session.add(tenant)
        session.flush()
        for index in range(count):
            person = Person(
                tenant_id=tenant.id,
                platform_user_id=f"U{count}-{index}",
                timezone="Europe/Paris",
                referentiel_id="manager-grands-comptes",
            )
            session.add(person)
            session.flush()
            _rated_a_cycle_ago(session, person)
            _evidence(session, person, "C1", None)
            _evidence(session, person, f"C{index % 18 + 1}", None)


def _planning_statements(engine: Engine, now: datetime) -> list[str]:
    with statements(engine) as seen, session_scope(make_session_factory(engine)) as session:
        plan_prompts(session, CATALOG, now, PlanningPolicy())
    return seen


def test_planning_certification_candidates_does_not_grow_with_people(engine: Engine) -> None:
    _candidates(engine, 2)
    few = _planning_statements(engine, MONDAY)
    _candidates(engine, 9)
    many = _planning_statements(engine, MONDAY)
    assert len(many) == len(few)
    evidence_reads = [sql for sql in many if "FROM evidence" in sql]
    assert len(evidence_reads) == 1  # the whole batch's evidence in one query
    with session_scope(make_session_factory(engine)) as session:
        planned = session.scalar(select(func.count()).select_from(CheckinPrompt))
    assert planned == 11
