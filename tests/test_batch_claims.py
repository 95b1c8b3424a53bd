"""Claiming a workspace's due prompts in batches (PromptRepository.claim_due): never more
than the batch, never one prompt in two batches, however the claims interleave."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from storage.db import make_session_factory, session_scope
from storage.models import CheckinPrompt, PromptStatus, Tenant
from storage.repositories import PromptRepository
from tests.test_prompt_claims import NOW, _seed


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    return migrated_engine


def _tenant(engine: Engine) -> int:
    with session_scope(make_session_factory(engine)) as session:
        return session.scalars(select(Tenant.id)).one()


def test_a_batch_claims_no_more_than_its_size_earliest_first(engine: Engine) -> None:
    _seed(engine, 12)  # six due now
    tenant = _tenant(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        first = PromptRepository(session).claim_due(tenant, "w1", NOW, 1)
    with session_scope(sessions) as session:
        rest = PromptRepository(session).claim_due(tenant, "w1", NOW, 100)
        statuses = session.scalars(
            select(CheckinPrompt.status).where(CheckinPrompt.id.in_(first + rest))
        ).all()
    assert len(first) == 1 and len(rest) == 5 and not set(first) & set(rest)
    assert set(statuses) == {PromptStatus.SENDING}


def test_two_claims_at_once_share_the_prompts_without_overlap(engine: Engine) -> None:
    """On PostgreSQL the second claims while the first's transaction is still open (FOR
    UPDATE SKIP LOCKED: it neither waits nor takes the first's); on SQLite, whose writers
    are serialised, after it."""
    _seed(engine, 12)
    tenant = _tenant(engine)
    sessions = make_session_factory(engine)
    first_session = sessions()
    try:
        first = PromptRepository(first_session).claim_due(tenant, "w1", NOW, 4)
        if engine.dialect.name == "sqlite":
            first_session.commit()
        with session_scope(sessions) as session:
            second = PromptRepository(session).claim_due(tenant, "w2", NOW, 4)
        first_session.commit()
    finally:
        first_session.close()
    assert len(first) == 4 and len(second) == 2 and not set(first) & set(second)
    with session_scope(sessions) as session:
        claimed_by = dict(
            session.execute(
                select(CheckinPrompt.id, CheckinPrompt.claimed_by).where(
                    CheckinPrompt.status == PromptStatus.SENDING
                )
            ).all()
        )
    assert claimed_by == {**dict.fromkeys(first, "w1"), **dict.fromkeys(second, "w2")}


def test_prompts_given_back_in_this_tick_are_left_for_the_next(engine: Engine) -> None:
    _seed(engine, 4)  # two due now
    tenant = _tenant(engine)
    with session_scope(make_session_factory(engine)) as session:
        due = session.scalars(
            select(CheckinPrompt.id)
            .where(CheckinPrompt.scheduled_at <= NOW, CheckinPrompt.closes_at > NOW)
            .order_by(CheckinPrompt.id)
        ).all()
        given_back, other = due
        claimed = PromptRepository(session).claim_due(tenant, "w1", NOW, 10, exclude=[given_back])
    assert claimed == [other]
