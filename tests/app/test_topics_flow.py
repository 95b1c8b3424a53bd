"""The topic flow (a 1:1 topic any day), called directly as any front end would.

Marion manages Alice (the shared set-up's, in English); Bruno has no manager; a
stranger is unknown to Palier. What is stored is read back; the manager's brief is
read through the 1:1 flow, as the manager asks for it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app.actor import ActorRef
from bot.app.one_on_one import BriefRequest
from bot.app.one_on_one_topics import TOPIC, TopicForm, command_problem_key, refusal_key
from bot.bootstrap import Core, Flows
from bot.domain.access import Reader
from bot.domain.people import Profile, ensure_tenant, upsert_person
from storage.db import session_scope
from storage.models import OneOnOneTopic, Person, Platform
from tests.app.support import ALICE, STRANGER, TEAM

MARION = ActorRef(Platform.SLACK, TEAM, "U0MARION")
BRUNO = ActorRef(Platform.SLACK, TEAM, "U0BRUNO")


@pytest.fixture
def team(core: Core) -> None:
    """Marion manages Alice; Bruno, enrolled, has no manager."""
    with session_scope(core.sessions) as session:
        tenant = ensure_tenant(session, Platform.SLACK, TEAM)
        marion, _ = upsert_person(session, tenant, Profile("U0MARION", "Marion", locale="fr-FR"))
        bruno, _ = upsert_person(session, tenant, Profile("U0BRUNO", "Bruno", locale="fr-FR"))
        bruno.referentiel_id = "account-executive"
        session.flush()
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        alice.manager_id = marion.id


def _topics(core: Core) -> list[str]:
    with session_scope(core.sessions) as session:
        return list(session.scalars(select(OneOnOneTopic.text).order_by(OneOnOneTopic.id)))


def test_a_topic_is_stored_once_and_reaches_the_managers_brief(
    core: Core, flows: Flows, team: None
) -> None:
    target = flows.topics.form(ALICE)
    assert target.view is not None and target.view.manager.user_id == "U0MARION"
    assert target.view.readers == (Reader.SELF, Reader.MANAGER, Reader.ADMINS)
    first = flows.topics.add(ALICE, TopicForm("  Mes objectifs\r\n du trimestre \x00", "k1"))
    assert first.view is not None and first.locale == "en-GB"
    assert first.view.text == "Mes objectifs\n du trimestre" and first.view.open_topics == 1
    again = flows.topics.add(ALICE, TopicForm("  Mes objectifs\r\n du trimestre \x00", "k1"))
    assert again.view == first.view  # the same submission again: the same answer, one row
    assert _topics(core) == ["Mes objectifs\n du trimestre"]
    second = flows.topics.add(ALICE, TopicForm("Un autre", "k2"))
    assert second.view is not None and second.view.open_topics == 2
    brief = flows.one_on_one.brief(MARION, BriefRequest("U0ALICE"))
    assert brief.view is not None
    assert [t.text for t in brief.view.brief.topics] == ["Mes objectifs\n du trimestre", "Un autre"]
    own = flows.one_on_one.brief(ALICE, BriefRequest())
    assert own.view is not None and own.view.brief.raises_topics


def test_bad_text_is_a_problem_and_stores_nothing(core: Core, flows: Flows, team: None) -> None:
    for text, code in (("   \n ", "empty"), ("x" * 3001, "too_long")):
        outcome = flows.topics.add(ALICE, TopicForm(text, f"bad-{code}"))
        assert outcome.view is None and outcome.refusal is None
        [problem] = outcome.problems
        assert problem.field == TOPIC and problem.key == f"one_on_one_topics.problem.{code}"
        assert command_problem_key(problem) == f"one_on_one_topics.problem.command_{code}"
    assert flows.topics.add(ALICE, TopicForm("x" * 3000, "max")).view is not None
    assert len(_topics(core)) == 1


def test_nobody_to_bring_it_to_stores_nothing(core: Core, flows: Flows, team: None) -> None:
    for ref, code in ((BRUNO, "no_manager"), (STRANGER, "not_enrolled")):
        assert flows.topics.form(ref).refusal == code
        outcome = flows.topics.add(ref, TopicForm("Un sujet", f"k-{code}"))
        assert outcome.refusal == code and refusal_key(code).endswith(f".refusal.{code}")
        assert flows.topics.add(ref, TopicForm("", f"e-{code}")).refusal == code
    own = flows.one_on_one.brief(BRUNO, BriefRequest())
    assert own.view is not None and not own.view.brief.raises_topics
    with session_scope(core.sessions) as session:
        assert session.scalar(select(func.count()).select_from(OneOnOneTopic)) == 0
