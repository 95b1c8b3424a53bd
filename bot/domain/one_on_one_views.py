"""What a 1:1 brief and its answers show: the view types, without the ORM.

Built by the brief's queries (:mod:`bot.domain.one_on_one_brief`) and the 1:1 service
(:mod:`bot.domain.one_on_one`) inside a session, and read by any front end after it has
ended: plain frozen dataclasses, with the people named by :class:`PersonRef` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.domain.access import Reader
from bot.domain.talking_points import Gap, TalkingPoint
from referentiels.models import Competency, Level, Referentiel
from storage.models import Person, PromptStatus, Rater


@dataclass(frozen=True)
class PersonRef:
    """Someone a brief is about, without the ORM object (it must not leave its session)."""

    person_id: int
    user_id: str
    name: str | None


@dataclass(frozen=True)
class CheckinOutcome:
    cycle_key: str
    status: PromptStatus  # done, skipped or missed
    at: datetime


@dataclass(frozen=True)
class LevelChange:
    """A competency's level by one rater, at the start of the period and now."""

    competency: Competency
    rater: Rater
    before: Level | None  # None: the first rating by this rater
    after: Level
    steps: int  # +n up, -n down on the scale (0 for a first rating)
    at: datetime


@dataclass(frozen=True)
class EvidenceLine:
    competency_label: str
    text: str
    link: str | None
    source_permalink: str | None
    created_at: datetime
    happened_on: date | None = None  # the day it happened, which the brief shows


@dataclass(frozen=True)
class TopicLine:
    id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class NoteLine:
    id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class ScheduleInfo:
    """A recurring 1:1: its weekday and local time (the manager's), the next one in UTC."""

    weekday: int
    local_time: time
    next_meeting_at: datetime
    timezone: str


@dataclass(frozen=True)
class Brief:
    """Everything a front end needs to draw one 1:1 brief."""

    report: PersonRef
    referentiel: Referentiel
    own: bool  # the person's own prep
    can_act: bool  # the viewer is the person's manager: 1:1 done, notes, schedule
    generated_at: datetime
    since: datetime
    last_one_on_one_at: datetime | None
    last_one_on_one_id: int | None
    checkins: list[CheckinOutcome]
    changes: list[LevelChange]
    evidence: list[EvidenceLine]
    topics: list[TopicLine]
    gaps: list[Gap]
    points: list[TalkingPoint]
    notes: list[NoteLine] = field(default_factory=list)  # the viewer's own notes only
    schedule: ScheduleInfo | None = None
    # Who sees the person's topics and data, for their own brief (bot.domain.access.readers).
    readers: tuple[Reader, ...] = ()
    # For their own brief: the person has a manager, so they may add a topic (any day).
    raises_topics: bool = False

    def count(self, status: PromptStatus) -> int:
        return sum(1 for outcome in self.checkins if outcome.status is status)


@dataclass(frozen=True)
class Recorded:
    """A 1:1 recorded: with whom, and how many open topics it covered."""

    one_on_one_id: int
    report: PersonRef
    held_at: datetime
    topics_discussed: int
    topics_left: int  # raised after the brief was shown: they carry over


def person_ref(person: Person) -> PersonRef:
    """The view of a person: their row id, platform user id and name."""
    return PersonRef(person.id, person.platform_user_id, person.display_name)
