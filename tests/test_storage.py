"""Storage on SQLite and PostgreSQL: migrations, constraints, times."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from bot.domain.people import ensure_tenant
from handlers.cli import main
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import (
    Base,
    CheckinPrompt,
    Evidence,
    Person,
    Platform,
    PromptStatus,
    Rater,
    Rating,
    Role,
    Tenant,
)

TABLES = {
    "tenants",
    "people",
    "checkin_prompts",
    "submissions",
    "ratings",
    "evidence",
    "one_on_ones",
    "one_on_one_topics",
}


@pytest.fixture
def engine(database_url: str) -> Engine:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    migrate.upgrade(engine)
    return engine


def _tenant_and_person(engine: Engine) -> tuple[int, int]:
    with session_scope(make_session_factory(engine)) as session:
        tenant = Tenant(platform=Platform.SLACK, external_id="T1", name="Acme")
        session.add(tenant)
        session.flush()
        person = Person(
            tenant_id=tenant.id,
            platform_user_id="U1",
            display_name="Ana",
            timezone="Europe/Paris",
            role=Role.MEMBER,
            referentiel_id="account-executive",
            checkin_time=time(16, 0),
        )
        session.add(person)
        session.flush()
        return tenant.id, person.id


def _prompt(tenant_id: int, person_id: int, cycle: str = "2026-W48") -> CheckinPrompt:
    start = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    return CheckinPrompt(
        tenant_id=tenant_id,
        person_id=person_id,
        cycle_key=cycle,
        scheduled_at=start,
        closes_at=start + timedelta(days=4),
        competency_ids=["prospection", "closing"],
    )


def test_upgrade_creates_every_table_and_downgrade_removes_them(engine: Engine) -> None:
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) & TABLES == set()
    migrate.upgrade(engine)  # and up again, from scratch
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_migrations_match_the_models(migrated: Engine) -> None:
    with migrated.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_one_prompt_per_person_and_cycle(migrated: Engine) -> None:
    tenant_id, person_id = _tenant_and_person(migrated)
    factory = make_session_factory(migrated)
    with session_scope(factory) as session:
        session.add(_prompt(tenant_id, person_id))
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        session.add(_prompt(tenant_id, person_id))
    with session_scope(factory) as session:
        session.add(_prompt(tenant_id, person_id, cycle="2026-W49"))  # another cycle is fine
    with session_scope(factory) as session:
        prompts = session.scalars(select(CheckinPrompt).order_by(CheckinPrompt.cycle_key)).all()
        assert [p.cycle_key for p in prompts] == ["2026-W48", "2026-W49"]
        assert prompts[0].status is PromptStatus.PENDING
        assert prompts[0].competency_ids == ["prospection", "closing"]


def test_times_come_back_as_the_same_utc_instant(migrated: Engine) -> None:
    tenant_id, person_id = _tenant_and_person(migrated)
    paris_evening = datetime(2026, 3, 29, 16, 30, tzinfo=timezone(timedelta(hours=2)))
    factory = make_session_factory(migrated)
    with session_scope(factory) as session:
        session.add(
            Rating(
                tenant_id=tenant_id,
                person_id=person_id,
                referentiel_id="account-executive",
                competency_id="closing",
                level_id="junior",
                rater=Rater.SELF,
                rated_at=paris_evening,
            )
        )
    with session_scope(factory) as session:
        rating = session.scalars(select(Rating)).one()
        assert rating.rated_at == paris_evening and rating.rated_at.tzinfo is not None
        assert rating.rated_at.utcoffset() == timedelta(0)
        assert rating.rater is Rater.SELF


def test_naive_times_are_refused(migrated: Engine) -> None:
    tenant_id, person_id = _tenant_and_person(migrated)
    with (
        pytest.raises(Exception, match="naive datetime"),
        session_scope(make_session_factory(migrated)) as session,
    ):
        session.add(
            Evidence(
                tenant_id=tenant_id,
                person_id=person_id,
                referentiel_id="x",
                competency_id="y",
                text="deal",
                created_at=datetime(2026, 1, 1),
            )
        )


def test_deleting_a_person_deletes_their_data(migrated: Engine) -> None:
    tenant_id, person_id = _tenant_and_person(migrated)
    factory = make_session_factory(migrated)
    with session_scope(factory) as session:
        session.add(_prompt(tenant_id, person_id))
        session.add(
            Evidence(
                tenant_id=tenant_id,
                person_id=person_id,
                referentiel_id="x",
                competency_id="y",
                text="Signed ACME",
            )
        )
    with session_scope(factory) as session:
        session.delete(session.get(Person, person_id))
    with session_scope(factory) as session:
        assert session.scalars(select(Evidence)).all() == []
        assert session.scalars(select(CheckinPrompt)).all() == []


def test_enum_values_are_checked_by_the_database(migrated: Engine) -> None:
    tenant_id, _ = _tenant_and_person(migrated)
    with pytest.raises(IntegrityError), migrated.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO people (tenant_id, platform_user_id, locale_chosen, role, active, "
                "created_at, updated_at) VALUES (:tenant, 'U9', false, 'boss', true, "
                "'2026-01-01', '2026-01-01')"
            ),
            {"tenant": tenant_id},
        )


def test_cli_upgrade_then_check(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    out, err = io.StringIO(), io.StringIO()
    # An empty database: start-up refuses and says which command to run.
    assert main(["check"], out=out, err=err) == 2
    assert err.getvalue().endswith("lancez « palier db upgrade »\n")
    assert main(["db", "upgrade"], out=out, err=err) == 0
    assert main(["check"], out=io.StringIO(), err=io.StringIO()) == 0
    assert main(["db", "downgrade", "base"], out=out, err=err) == 0
    assert "ramenée à la révision aucune" in out.getvalue()


def test_a_rolled_back_unit_of_work_leaves_nothing_even_after_a_savepoint(
    migrated_engine: Engine,
) -> None:
    # The savepoint is the transaction's first write: on SQLite this once committed.
    factory = make_session_factory(migrated_engine)
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        ensure_tenant(session, Platform.SLACK, "T0ROLLBACK", "Gone")
        raise RuntimeError("the caller fails after the savepoint")
    with session_scope(factory) as session:
        assert session.scalars(select(Tenant)).all() == []
