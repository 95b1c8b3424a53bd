"""A topic for one's next 1:1, raised any day, not only in the weekly check-in.

A person adds a topic for their next 1:1 with their manager (``/palier 1on1 topic …``,
or the "Add a 1:1 topic" form of their Home and of their own brief). It is the same
row as a check-in's topic (:class:`~storage.models.OneOnOneTopic`), so the manager's
brief shows it among the open topics (:mod:`bot.domain.one_on_one_brief`) until a 1:1
is recorded. Only the person raises topics about themself: nobody else is named in the
request, so there is nothing another person could reach through it.

Someone without a manager has nobody to bring a topic to: :attr:`TopicRefusal.NO_MANAGER`,
nothing stored. The text is cleaned as every text people type
(:func:`bot.domain.text.clean_text`); empty or over :data:`~bot.domain.submissions.MAX_TEXT`
it is a problem to fix, nothing stored. The form's or the command's id
(``idempotency_key``) is unique per workspace: the same submission delivered twice
stores one topic, and both deliveries get the same answer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.access import Reader
from bot.domain.one_on_one_views import PersonRef, person_ref
from bot.domain.submissions import MAX_TEXT
from bot.domain.text import clean_text
from storage.models import OneOnOneTopic, Person


class TopicRefusal(enum.StrEnum):
    """Why no topic was stored; each has a catalog message (``one_on_one_topics.…``)."""

    NOT_ENROLLED = "not_enrolled"  # Palier does not follow the person
    NO_MANAGER = "no_manager"  # nobody to bring it to
    EMPTY = "empty"  # problems with the text itself: said beside it
    TOO_LONG = "too_long"


TEXT_PROBLEMS = frozenset({TopicRefusal.EMPTY, TopicRefusal.TOO_LONG})


@dataclass(frozen=True)
class TopicTarget:
    """Whom a topic goes to (the person's manager), and who may read the person's topics."""

    manager: PersonRef
    readers: tuple[Reader, ...]


@dataclass(frozen=True)
class TopicAdded:
    """A topic stored: its words as kept, for whom, and how many are open now."""

    topic_id: int
    text: str
    manager: PersonRef
    open_topics: int  # this one included


def has_manager(person: Person | None) -> bool:
    """Whether the person has a manager to raise 1:1 topics with."""
    return person is not None and person.manager_id is not None


def topic_manager(session: Session, me: Person | None) -> PersonRef | TopicRefusal:
    """Whom a topic of ``me`` would go to (their manager), or why there is nobody."""
    if me is None:
        return TopicRefusal.NOT_ENROLLED
    manager = session.get(Person, me.manager_id) if me.manager_id is not None else None
    if manager is None or manager.tenant_id != me.tenant_id:
        return TopicRefusal.NO_MANAGER
    return person_ref(manager)


def add_topic(
    session: Session, me: Person | None, text: str, now: datetime, *, idempotency_key: str
) -> TopicAdded | TopicRefusal:
    """Store ``text`` as a topic of ``me`` for their next 1:1; the same ``idempotency_key``
    again stores nothing and answers the topic it stored."""
    manager = topic_manager(session, me)
    if isinstance(manager, TopicRefusal):
        return manager
    assert me is not None
    text = clean_text(text)
    if not text:
        return TopicRefusal.EMPTY
    if len(text) > MAX_TEXT:
        return TopicRefusal.TOO_LONG
    topic = OneOnOneTopic(
        tenant_id=me.tenant_id,
        person_id=me.id,
        raised_by_id=me.id,
        text=text,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    try:
        with session.begin_nested():  # a duplicate rolls back this insert only
            session.add(topic)
            session.flush()
    except IntegrityError:
        found = session.scalars(
            select(OneOnOneTopic).where(
                OneOnOneTopic.tenant_id == me.tenant_id,
                OneOnOneTopic.idempotency_key == idempotency_key,
            )
        ).one()
        topic = found
    return TopicAdded(topic.id, topic.text, manager, _open_topics(session, me))


def _open_topics(session: Session, me: Person) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(OneOnOneTopic)
            .where(OneOnOneTopic.person_id == me.id, OneOnOneTopic.discussed_in_id.is_(None))
        )
        or 0
    )
