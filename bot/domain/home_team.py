"""The team section of a manager's Home: what waits for them, at a glance.

A manager opening their Home sees, beside their own data, what their team asks of them
this week: the self-ratings waiting for their review, who checked in this week and who
has not yet, and who the team view flags. Nothing here has rules of its own:

* **the team** is the team view's (:mod:`bot.domain.team`): the reporting line
  :func:`bot.domain.access.reports_of` gives (the reports' reports too when the workspace
  lets managers see them), the active reports on a référentiel Palier has;
* **reviews waiting** are the review's (:meth:`bot.domain.review.ReviewService.pending_among`),
  of direct reports only: only a report's own manager reviews;
* **this week** is each report's own cycle, in their time zone: done, skipped (their
  choice), or not yet (whatever else: not sent yet, waiting for them, paused);
* **flags** are the team view's (:meth:`bot.domain.team.TeamService.pulse_of`).

Someone nobody reports to has no section (:func:`team_pulse` answers None); a manager
Palier does not follow themself has a Home of their team only (:class:`TeamPage`). The
reads are five statements whatever the team or its history: the team, the ratings' kept
state (and its look-up, usually of nothing) — the flags' and, from the same rows, the
reviews waiting — and the check-ins of the weeks the flags look at, and before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.access import reports_of
from bot.domain.review import ReviewService
from bot.domain.team import Flag, TeamService
from storage.models import Person, PromptStatus


@dataclass(frozen=True)
class TeamPulse:
    """A manager's team this week. Names are as people are called (their platform id when
    it gave none), in the team's order: nearest first, then by name."""

    reviews: int  # self-ratings waiting for the manager's review
    reviewed_people: int  # direct reports those belong to
    done: tuple[str, ...]  # checked in this week
    skipped: int  # skipped this week (their choice)
    not_yet: tuple[str, ...]  # not checked in this week (yet)
    flagged: dict[Flag, tuple[str, ...]]  # the flagged reports, by flag (none: absent)

    @property
    def followed(self) -> int:
        """The reports Palier follows (those counted this week)."""
        return len(self.done) + self.skipped + len(self.not_yet)


@dataclass(frozen=True)
class TeamPage:
    """The Home of a manager Palier does not follow on a référentiel of their own: their
    team's section only."""

    team: TeamPulse


def _name(person: Person) -> str:
    return person.display_name or person.platform_user_id


def team_pulse(
    session: Session,
    me: Person,
    now: datetime,
    reviews: ReviewService,
    team: TeamService,
    *,
    indirect: bool,
) -> TeamPulse | None:
    """``me``'s team this week, or None when nobody reports to them."""
    people = [person for person in reports_of(session, me, indirect) if person.id != me.id]
    if not people:
        return None
    followed = reviews.followed(people)
    # The review's pending ratings from the flags' reads of ratings (one query less).
    pulses, latest = team.pulse_of(session, followed, now)
    direct = [(person, ref) for person, ref in followed if person.manager_id == me.id]
    waiting = reviews.pending_from(direct, latest)
    done: list[str] = []
    not_yet: list[str] = []
    skipped = 0
    flagged: dict[Flag, list[str]] = {}
    for person, _ in followed:
        pulse = pulses[person.id]
        if pulse.this_week is PromptStatus.DONE:
            done.append(_name(person))
        elif pulse.this_week is PromptStatus.SKIPPED:
            skipped += 1
        else:
            not_yet.append(_name(person))
        for flag in pulse.flags:
            flagged.setdefault(flag, []).append(_name(person))
    return TeamPulse(
        reviews=sum(len(review.pending) for review in waiting),
        reviewed_people=len(waiting),
        done=tuple(done),
        skipped=skipped,
        not_yet=tuple(not_yet),
        flagged={flag: tuple(names) for flag, names in flagged.items()},
    )
