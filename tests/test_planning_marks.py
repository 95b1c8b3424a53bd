"""Each person is planned once per cycle: an idle tick reads only who is due, and any
change to what planning reads plans the person again (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import planning
from bot.domain.planning import PlanningPolicy, plan_prompts, plan_review_digests
from referentiels.loader import ReferentielCatalog
from storage.db import make_session_factory, session_scope
from storage.models import (
    PLAN_NEVER,
    PLAN_NOW,
    CheckinPrompt,
    Person,
    Platform,
    ReviewDigest,
    Tenant,
)

CATALOG = ReferentielCatalog.load()
POLICY = PlanningPolicy()
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # cycle 2026-W48


@pytest.fixture
def sessions(migrated_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(migrated_engine)


def _team(sessions: sessionmaker[Session], size: int) -> None:
    with session_scope(sessions) as session:
        tenant = Tenant(platform=Platform.SLACK, external_id="T1")
        session.add(tenant)
        session.flush()
        manager = Person(tenant_id=tenant.id, platform_user_id="UBOSS", timezone="Europe/Paris")
        session.add(manager)
        session.flush()
        for index in range(size):
            session.add(
                Person(
                    tenant_id=tenant.id,
                    platform_user_id=f"U{index:04d}",
                    timezone="Europe/Paris",
                    referentiel_id="account-executive",
                    manager_id=manager.id,
                )
            )


def _plan(sessions: sessionmaker[Session], now: datetime) -> tuple[int, int]:
    with session_scope(sessions) as session:
        return plan_prompts(session, CATALOG, now, POLICY), plan_review_digests(
            session, now, POLICY
        )


def _statements(engine: Engine, sessions: sessionmaker[Session], now: datetime) -> list[str]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        seen.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    try:
        _plan(sessions, now)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return [sql for sql in seen if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT"))]


def _person(session: Session, user: str) -> Person:
    return session.scalars(select(Person).where(Person.platform_user_id == user)).one()


def test_people_are_planned_once_per_cycle_in_batches(
    sessions: sessionmaker[Session], migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planning, "BATCH", 3)  # 7 reports: three batches
    _team(sessions, 7)
    assert _plan(sessions, MONDAY) == (7, 1)
    # The rest of the week, a tick plans nobody: two small reads, whatever the team's size.
    later = MONDAY + timedelta(days=2)
    assert _plan(sessions, later) == (0, 0)
    assert len(_statements(migrated_engine, sessions, later)) == 2
    # Next week every one is due again, once.
    assert _plan(sessions, MONDAY + timedelta(days=7)) == (7, 1)
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(CheckinPrompt)) == 14
        assert session.scalar(select(func.count()).select_from(ReviewDigest)) == 2


@pytest.mark.parametrize(
    ("attribute", "value", "manager_too"),
    [
        ("timezone", "Asia/Tokyo", False),
        ("paused_until", date(2026, 11, 24), False),
        ("checkin_weekday", 4, False),
        ("checkin_time", time(8, 0), False),
        # Whether a report is followed decides whether the manager gets a review.
        ("referentiel_id", "manager-grands-comptes", True),
    ],
)
def test_a_change_to_what_planning_reads_plans_the_person_again(
    sessions: sessionmaker[Session], attribute: str, value: object, manager_too: bool
) -> None:
    _team(sessions, 1)
    _plan(sessions, MONDAY)
    with session_scope(sessions) as session:
        person = _person(session, "U0000")
        assert person.plan_after != PLAN_NOW
        setattr(person, attribute, value)
    with session_scope(sessions) as session:
        assert _person(session, "U0000").plan_after == PLAN_NOW
        assert (_person(session, "UBOSS").digest_plan_after == PLAN_NOW) is manager_too


def test_a_workspace_slot_change_plans_all_its_people_again(
    sessions: sessionmaker[Session],
) -> None:
    _team(sessions, 3)
    _plan(sessions, MONDAY)
    with session_scope(sessions) as session:
        session.scalars(select(Tenant)).one().checkin_weekday = 2
    with session_scope(sessions) as session:
        people = session.scalars(select(Person)).all()
        assert {p.plan_after for p in people} == {PLAN_NOW}
        assert {p.digest_plan_after for p in people} == {PLAN_NOW}


def test_a_new_report_plans_their_managers_review_again(sessions: sessionmaker[Session]) -> None:
    _team(sessions, 1)
    _plan(sessions, MONDAY)
    with session_scope(sessions) as session:
        boss = _person(session, "UBOSS")
        session.add(
            Person(
                tenant_id=boss.tenant_id,
                platform_user_id="UNEW",
                referentiel_id="account-executive",
                manager_id=boss.id,
            )
        )
    with session_scope(sessions) as session:
        assert _person(session, "UBOSS").digest_plan_after == PLAN_NOW
    assert _plan(sessions, MONDAY + timedelta(hours=1)) == (1, 0)  # the review exists already


def test_a_person_whose_planning_fails_is_tried_again_an_hour_later(
    sessions: sessionmaker[Session],
) -> None:
    _team(sessions, 1)
    with session_scope(sessions) as session:
        _person(session, "U0000").referentiel_id = "no-such-referentiel"
    assert _plan(sessions, MONDAY) == (0, 1)
    with session_scope(sessions) as session:
        assert _person(session, "U0000").plan_after == MONDAY + planning.RETRY


def test_people_with_nothing_to_plan_are_not_read_again_until_that_changes(
    sessions: sessionmaker[Session],
) -> None:
    _team(sessions, 1)
    with session_scope(sessions) as session:
        tenant_id = _person(session, "UBOSS").tenant_id
        session.add(Person(tenant_id=tenant_id, platform_user_id="UOUT", active=False))
    _plan(sessions, MONDAY)
    with session_scope(sessions) as session:
        gone = _person(session, "UOUT")
        assert (gone.plan_after, gone.digest_plan_after) == (PLAN_NEVER, PLAN_NEVER)
        report = _person(session, "U0000")
        assert report.digest_plan_after == PLAN_NEVER  # nobody reports to them
        gone.active, gone.referentiel_id = True, "account-executive"
        gone.manager_id = report.id
    assert _plan(sessions, MONDAY + timedelta(hours=1)) == (1, 1)  # their prompt, a review
