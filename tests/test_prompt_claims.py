"""Claiming prompts: however many processes tick at once, each prompt is claimed once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from storage.db import make_session_factory, session_scope
from storage.models import CheckinPrompt, Person, Platform, PromptStatus, Tenant
from storage.repositories import PromptRepository

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    return migrated_engine


def _seed(engine: Engine, people: int) -> None:
    with session_scope(make_session_factory(engine)) as session:
        tenant = Tenant(platform=Platform.SLACK, external_id="T1")
        session.add(tenant)
        session.flush()
        for n in range(people):
            person = Person(tenant_id=tenant.id, platform_user_id=f"U{n}")
            session.add(person)
            session.flush()
            # Half due now, a quarter not yet due, a quarter from a cycle already over.
            scheduled = NOW - timedelta(minutes=5) if n % 2 == 0 else NOW + timedelta(hours=1)
            closes = NOW + timedelta(days=3) if n % 4 != 3 else NOW - timedelta(minutes=1)
            session.add(
                CheckinPrompt(
                    tenant_id=tenant.id,
                    person_id=person.id,
                    cycle_key="2026-W48",
                    scheduled_at=scheduled if n % 4 != 3 else NOW - timedelta(days=5),
                    closes_at=closes,
                )
            )


def test_due_prompts_exclude_future_and_closed_cycles(engine: Engine) -> None:
    _seed(engine, 8)
    with session_scope(make_session_factory(engine)) as session:
        due = PromptRepository(session).due(NOW)
        people = session.scalars(
            select(Person.platform_user_id).join(CheckinPrompt).where(CheckinPrompt.id.in_(due))
        ).all()
    assert sorted(people) == ["U0", "U2", "U4", "U6"]


def test_a_claimed_prompt_cannot_be_claimed_again(engine: Engine) -> None:
    _seed(engine, 2)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        [prompt_id] = PromptRepository(session).due(NOW)
    with session_scope(factory) as session:
        assert PromptRepository(session).claim(prompt_id, "worker-a", NOW) is True
    with session_scope(factory) as session:
        assert PromptRepository(session).claim(prompt_id, "worker-b", NOW) is False
        prompt = session.get(CheckinPrompt, prompt_id)
        assert prompt is not None and prompt.claimed_by == "worker-a"
        assert prompt.status is PromptStatus.SENDING and prompt.attempts == 1
        assert PromptRepository(session).due(NOW) == []


def test_concurrent_workers_claim_each_prompt_exactly_once(engine: Engine) -> None:
    _seed(engine, 40)
    factory = make_session_factory(engine)
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def work(name: str) -> None:
        mine: list[int] = []
        barrier.wait()  # all workers see the same due list, then race for each prompt
        with session_scope(factory) as session:
            candidates = list(PromptRepository(session).due(NOW))
        for prompt_id in candidates:
            with session_scope(factory) as session:
                if PromptRepository(session).claim(prompt_id, name, NOW):
                    mine.append(prompt_id)
        claimed[name] = mine

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    all_claims = [pid for ids in claimed.values() for pid in ids]
    assert len(all_claims) == len(set(all_claims)) == 20
    with session_scope(factory) as session:
        owners = session.scalars(
            select(CheckinPrompt.claimed_by).where(CheckinPrompt.status == PromptStatus.SENDING)
        ).all()
    assert len(owners) == 20


def test_stale_claims_are_found_after_the_lease(engine: Engine) -> None:
    _seed(engine, 2)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        [prompt_id] = PromptRepository(session).due(NOW)
        PromptRepository(session).claim(prompt_id, "dead-worker", NOW)
    with session_scope(factory) as session:
        repository = PromptRepository(session)
        assert repository.stale_claims(NOW + timedelta(minutes=1), timedelta(minutes=10)) == []
        stale = repository.stale_claims(NOW + timedelta(minutes=11), timedelta(minutes=10))
        assert [p.id for p in stale] == [prompt_id]


def test_a_live_sender_s_renewed_claims_never_go_stale(engine: Engine) -> None:
    _seed(engine, 4)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        mine, theirs = PromptRepository(session).due(NOW)
        PromptRepository(session).claim(mine, "live-worker", NOW)
        PromptRepository(session).claim(theirs, "dead-worker", NOW)
    later = NOW + timedelta(minutes=11)
    with session_scope(factory) as session:
        assert PromptRepository(session).renew_claims("live-worker", later) == 1
    with session_scope(factory) as session:
        stale = PromptRepository(session).stale_claims(later, timedelta(minutes=10))
        assert [p.id for p in stale] == [theirs]
