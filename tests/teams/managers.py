"""A manager and their reports in Teams, for the manager's journeys: who is who, a
check-in made through the prompt's dialog, what is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.domain.people import Profile, ensure_tenant, upsert_person
from emulators.teams import Message, User
from storage.db import session_scope
from storage.models import Person, Platform, Rater, Rating
from tests.teams.conftest import TeamsWorld, enrol

START = "Faire mon check-in"


@dataclass(frozen=True)
class Team:
    chloe: User  # the manager, who reads Teams in English
    alice: User  # reports to Chloé, French
    bob: User  # reports to Chloé, English


def enrol_manager(world: TeamsWorld, user: User) -> None:
    """Known to Palier, followed on no référentiel: a manager only."""
    with session_scope(world.core.sessions) as session:
        tenant = ensure_tenant(session, Platform.TEAMS, user.tenant_id)
        upsert_person(
            session, tenant, Profile(user.aad_object_id, user.name, user.email, user.timezone)
        )


def manage(world: TeamsWorld, manager: User, *reports: User) -> None:
    with session_scope(world.core.sessions) as session:
        people = {p.platform_user_id: p for p in session.scalars(select(Person))}
        for report in reports:
            people[report.aad_object_id].manager_id = people[manager.aad_object_id].id


def team(world: TeamsWorld) -> Team:
    """Chloé manages Alice and Bob; everyone has installed Palier."""
    chloe = world.emulator.add_user("Chloé Durand", "chloe@example.fr", locale="en-GB")
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol_manager(world, chloe)
    enrol(world.core, bob)
    manage(world, chloe, world.alice, bob)
    for user in (chloe, world.alice, bob):
        world.teams.install(user)
    return Team(chloe, world.alice, bob)


def check_in(
    world: TeamsWorld,
    user: User,
    level: str,
    evidence: str | None = None,
    topic: str | None = None,
) -> None:
    """The week's prompt (sent by a tick beforehand), answered ``level`` throughout, with
    ``evidence`` for closing and a ``topic`` for the next 1:1."""
    teams = world.teams
    prompt = next(m for m in reversed(teams.messages(user)) if START in teams.buttons(m))
    assert teams.open_dialog(user, prompt, START).status == 200
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    answers: dict[str, str] = {key: level for key in levels}
    if evidence is not None:
        answers["checkin.evidence:closing"] = evidence
    if topic is not None:
        answers["checkin.topic"] = topic
    assert teams.submit_dialog(user, answers).outcome == "close"


def forged(world: TeamsWorld, user: User, name: str, data: dict[str, Any]) -> dict[str, Any]:
    """An invoke ``name`` (``task/fetch``, ``task/submit``) from ``user``'s chat with
    Palier carrying ``data``, which the Teams client would not have sent: a forged
    click, or a dialog's submission of values it never offered."""
    conversation = world.emulator.conversation(world.emulator.personal_conversation_id(user) or "")
    assert conversation is not None
    factory = world.teams.factory
    return factory.invoke(
        world.emulator.user(user),
        conversation,
        world.emulator.clock(),
        name,
        factory.task_value(name, data),
    )


def manager_ratings(world: TeamsWorld, user: User) -> dict[str, str]:
    with session_scope(world.core.sessions) as session:
        rows = session.execute(
            select(Rating.competency_id, Rating.level_id)
            .join(Person, Person.id == Rating.person_id)
            .where(Person.platform_user_id == user.aad_object_id, Rating.rater == Rater.MANAGER)
        ).all()
    return {competency: level for competency, level in rows}


def person_id(world: TeamsWorld, user: User) -> int:
    return world.person(user).id


def sent(world: TeamsWorld, user: User) -> list[Message]:
    """What Palier wrote to ``user``, oldest first."""
    return [m for m in world.teams.messages(user) if m.from_bot]


def current(world: TeamsWorld, message: Message) -> Message:
    """``message`` as it stands now (its card updated in place included)."""
    now = world.emulator.message(message.conversation_id, message.id)
    assert now is not None
    return now


def shown(world: TeamsWorld, message: Message) -> str:
    """``message`` as it reads now."""
    return world.teams.render(current(world, message))
