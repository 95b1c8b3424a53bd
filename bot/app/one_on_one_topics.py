"""The topic flow: a topic for one's next 1:1, any day (:mod:`bot.domain.one_on_one_topics`).

Two operations, each one unit of work with the actor resolved once: :meth:`TopicFlow.form`
(whom the form's topic would go to, before the form opens) and :meth:`TopicFlow.add`
(the topic stored, from the form or the command). A person raises topics about themself
only, so the request names nobody else. Refusals are :class:`TopicRefusal`'s values;
what is wrong with the text itself is a problem on the form's one field, :data:`TOPIC`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.app.actor import ActorRef
from bot.app.outcome import Outcome, Problem
from bot.app.unit_of_work import UnitOfWork
from bot.domain.access import readers_of
from bot.domain.one_on_one_topics import (
    TEXT_PROBLEMS,
    TopicAdded,
    TopicRefusal,
    TopicTarget,
    add_topic,
    topic_manager,
)
from bot.domain.people import Directory

TOPIC = "topic"  # the form's one field
SECTION = "one_on_one_topics"  # the catalog's section of these words


@dataclass(frozen=True)
class TopicForm:
    """A topic as typed; ``idempotency_key``: the submission's or the command's id."""

    text: str
    idempotency_key: str


def refusal_key(code: str) -> str:
    """The catalog message of a refusal of the topic flow."""
    return f"{SECTION}.refusal.{code}"


def problem_key(code: str) -> str:
    """The catalog message of a problem with the topic's text."""
    return f"{SECTION}.problem.{code}"


def command_problem_key(problem: Problem) -> str:
    """A problem with the text as the command's answer words it (no field to show it by)."""
    return f"{SECTION}.problem.command_{problem.key.rsplit('.', 1)[-1]}"


class TopicFlow:
    def __init__(self, work: UnitOfWork, clock: Callable[[], datetime]) -> None:
        self.work = work
        self.clock = clock

    def form(self, ref: ActorRef, directory: Directory | None = None) -> Outcome[TopicTarget]:
        """Whom the topic would go to (the actor's manager), or why there is nobody."""
        with self.work.begin(ref, directory) as (session, actor):
            manager = topic_manager(session, actor.person)
            if isinstance(manager, TopicRefusal):
                return Outcome.refused(actor.locale, manager.value)
            indirect = self.work.defaults.managers_see_indirect
            return Outcome(actor.locale, TopicTarget(manager, readers_of(actor.person, indirect)))

    def add(
        self, ref: ActorRef, form: TopicForm, directory: Directory | None = None
    ) -> Outcome[TopicAdded]:
        """The topic stored (once, however often the same submission comes), or a problem
        with its text, or a refusal: nothing stored then."""
        with self.work.begin(ref, directory) as (session, actor):
            added = add_topic(
                session,
                actor.person,
                form.text,
                self.clock(),
                idempotency_key=form.idempotency_key,
            )
            if isinstance(added, TopicRefusal):
                if added in TEXT_PROBLEMS:
                    problem = Problem(TOPIC, problem_key(added.value))
                    return Outcome.to_fix(actor.locale, (problem,))
                return Outcome.refused(actor.locale, added.value)
            return Outcome(actor.locale, added)
