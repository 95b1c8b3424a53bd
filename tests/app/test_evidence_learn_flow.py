"""The evidence form's suggestion learning from what the workspace tagged before
(PALIER_SUGGEST_LEARN): one query for the workspace's last tagged evidence, kept until
that workspace's evidence changes; another workspace's evidence never counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.evidence import EvidenceFlow, NewEvidence, SaveEvidence
from bot.bootstrap import Core, Flows, build_flows
from bot.domain.evidence import EvidenceInput
from bot.domain.people import Profile, ensure_tenant, upsert_person
from bot.domain.suggest_learn import LearnedCache
from bot.settings import load_settings
from storage.db import session_scope
from storage.models import Evidence, Platform
from tests.app.support import ALICE, NOW, TEAM, counting_sql

BOB = ActorRef(Platform.SLACK, TEAM, "U0BOB")
CAROL = ActorRef(Platform.SLACK, "T0OTHER", "U0CAROL")
TEXT = "Signé chez Leroy Merlin après une négo serrée sur le prix !"
PAST = "Négo serrée sur le prix chez Fnac, signé"


@pytest.fixture
def people(core: Core) -> Core:
    with session_scope(core.sessions) as session:
        for team, user in ((TEAM, "U0BOB"), ("T0OTHER", "U0CAROL")):
            tenant = ensure_tenant(session, Platform.SLACK, team)
            person, _ = upsert_person(session, tenant, Profile(user, user, locale="fr-FR"))
            person.referentiel_id = "account-executive"
    return core


@pytest.fixture
def learning(people: Core, flows: Flows) -> EvidenceFlow:
    plain = flows.evidence
    cache = LearnedCache(lambda: NOW, timedelta(minutes=5), limit=50)
    return EvidenceFlow(plain.work, plain.catalog, plain.clock, plain.evidence, learned=cache)


def _tag(flow: EvidenceFlow, who: ActorRef, criterion: str, key: str) -> None:
    data = EvidenceInput(competency_id="closing", criterion_key=criterion, text=PAST)
    assert flow.save(who, SaveEvidence(data, key)).ok


def _criterion(flow: EvidenceFlow) -> str | None:
    form = flow.form(ALICE, NewEvidence(TEXT)).view
    assert form is not None and form.competency_id == "closing"
    return form.criterion_key


def test_learning_is_off_unless_set(core: Core) -> None:
    assert build_flows(core, clock=lambda: NOW).evidence.learned is None
    settings = load_settings(env_file=None).model_copy(
        update={"suggest_learn": True, "suggest_learn_last": 40}
    )
    flows = build_flows(replace(core, settings=settings), lambda: NOW)
    assert flows.evidence.learned is not None and flows.evidence.learned.limit == 40


def test_the_criterion_chosen_before_in_the_workspace_is_suggested(
    learning: EvidenceFlow, flows: Flows
) -> None:
    before = _criterion(learning)
    assert before == _criterion(flows.evidence) == "aspect:Négociation"
    _tag(learning, CAROL, "aspect:Pricing", "carol")  # another workspace: not learned from
    assert _criterion(learning) == before
    _tag(learning, BOB, "aspect:Pricing", "bob")
    assert _criterion(learning) == "aspect:Pricing"
    assert _criterion(flows.evidence) == before  # learning off: the référentiel's alone


def test_one_query_for_the_history_kept_until_the_workspace_saves_or_deletes(
    core: Core, learning: EvidenceFlow
) -> None:
    def history_queries() -> int:
        with counting_sql(core.engine) as (seen, _begun):
            assert learning.form(ALICE, NewEvidence(TEXT)).view is not None
        return len([sql for sql in seen if "FROM evidence" in sql])

    assert history_queries() == 1
    assert history_queries() == 0  # kept
    _tag(learning, BOB, "aspect:Pricing", "bob")
    assert history_queries() == 1  # the workspace's evidence changed
    assert learning.form(ALICE, NewEvidence(None)).view is not None  # no text: no query
    with core.sessions() as session:
        bobs = session.scalars(select(Evidence.id)).all()
    assert learning.delete(BOB, bobs[0]).ok
    assert history_queries() == 1
