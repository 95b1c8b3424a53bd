"""The time zone a platform reports with a request (Teams' ``clientInfo``): kept as the
person's in the request's own unit of work when it changed, and only then."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.bootstrap import Core, Flows
from storage.db import session_scope
from storage.models import Person
from tests.app.support import ALICE, STRANGER, counting_sql


def _zone(core: Core, user_id: str = "U0ALICE") -> tuple[str | None, bool]:
    with session_scope(core.sessions) as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == user_id)).one()
        return person.timezone, person.timezone_chosen


def _updates(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("UPDATE PEOPLE")]


def test_a_reported_zone_is_the_persons_from_this_request_on(core: Core, flows: Flows) -> None:
    travelling = replace(ALICE, timezone="America/New_York")
    assert travelling == ALICE  # the same person, wherever they are
    with counting_sql(core.engine) as (statements, begun):
        outcome = flows.home.home(travelling)
    assert len(begun) == 1 and len(_updates(statements)) == 1
    assert outcome.view is not None and outcome.view.timezone == "America/New_York"
    assert _zone(core) == ("America/New_York", False)


def test_the_same_zone_or_none_writes_nothing(core: Core, flows: Flows) -> None:
    for ref in (ALICE, replace(ALICE, timezone="Asia/Kolkata"), replace(ALICE, timezone="")):
        with counting_sql(core.engine) as (statements, _begun):
            flows.home.home(ref)
        assert _updates(statements) == []
    assert _zone(core) == ("Asia/Kolkata", False)


def test_an_unknown_zone_and_a_chosen_one_are_left_alone(core: Core, flows: Flows) -> None:
    flows.home.home(replace(ALICE, timezone="Mars/Olympus"))
    assert _zone(core) == ("Asia/Kolkata", False)
    with session_scope(core.sessions) as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        person.timezone_chosen = True  # an admin's choice
    flows.home.home(replace(ALICE, timezone="Europe/Paris"))
    assert _zone(core) == ("Asia/Kolkata", True)


def test_someone_palier_does_not_know_is_not_written(core: Core, flows: Flows) -> None:
    ref: ActorRef = replace(STRANGER, timezone="Europe/Paris")
    with counting_sql(core.engine) as (statements, _begun):
        assert flows.home.home(ref).refusal is not None
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE")) for s in statements)
