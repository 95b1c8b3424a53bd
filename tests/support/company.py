"""A manager's team with a history, written straight into the database in bulk.

The statement-count tests (``tests/test_read_statements.py``) and the reads bench
(``bench/reads_bench.py``) need the same thing at two scales: a manager with N reports
who each have W weeks of check-ins behind them — the prompts (mostly done, some missed
or skipped), the self-ratings and evidence of each check-in, a manager review every few
weeks, 1:1s every other week, topics, private notes, a recurring 1:1 due within the
hour and the manager's weekly review due now. Rows go in with one multi-row INSERT per
table and chunk (not through the flows), so 300 reports with two years of weeks are
built in seconds; what is built is what the flows themselves would have stored.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, insert
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.scheduling import Cycle, cycle_at, previous_cycle
from referentiels.loader import ReferentielCatalog
from storage.db import session_scope
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOne,
    OneOnOneNote,
    OneOnOneSchedule,
    OneOnOneTopic,
    Person,
    Platform,
    PromptStatus,
    Rater,
    Rating,
    ReviewDigest,
    Submission,
    SubmissionKind,
    Tenant,
)
from storage.rating_tracks import sync_tracks

ZONE = "Europe/Paris"
ELSEWHERE = "America/New_York"  # every ELSEWHERE_EVERY-th report works from there
ELSEWHERE_EVERY = 11
DILIGENT_EVERY = 7  # every 7th report never misses a week (a streak of the whole history)
ON_LEAVE_EVERY = 9  # every 9th report skipped the last LEAVE weeks, after missing two
LEAVE = 13
ODD_EVERY = 13  # every 13th report has a rating off the scale and one on a former référentiel
MANAGER_USER_ID = "U0BOSS"
PER_WEEK = 3  # competencies asked about each week (Palier's default)
REVIEW_EVERY = 4  # weeks between two reviews of a report by the manager
CHUNK = 2000  # rows per INSERT


@dataclass(frozen=True)
class Company:
    """What was built: enough for a test or the bench to call the flows."""

    team_id: str  # the workspace's platform id (Slack)
    tenant_id: int
    manager_id: int
    report_ids: list[int]
    report_user_ids: list[str]
    cycle_key: str  # the current week's
    schedule_ids: list[int]  # the recurring 1:1s, one per report, due within the hour
    digest_id: int  # the manager's weekly review of the current week, due


def report_user_id(index: int) -> str:
    return f"U0R{index:05d}"


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in chunks; their ids, in order."""
    ids: list[int] = []
    for chunk in _chunks(rows):
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(session.scalars(statement, chunk).all())
    return ids


def _weeks(now: datetime, count: int, zone: str = ZONE) -> list[Cycle]:
    """The current cycle and the ``count - 1`` before it, newest first."""
    cycles = [cycle_at(now, zone)]
    while len(cycles) < count:
        cycles.append(previous_cycle(cycles[-1], zone))
    return cycles


def _zone(index: int) -> str:
    return ELSEWHERE if index % ELSEWHERE_EVERY == ELSEWHERE_EVERY - 1 else ZONE


def build_company(
    sessions: sessionmaker[Session],
    catalog: ReferentielCatalog,
    *,
    reports: int,
    weeks: int,
    now: datetime,
    team_id: str = "T0READS",
    referentiels: Sequence[str] = ("account-executive", "business-developer"),
    seed: int = 13,
) -> Company:
    """A manager (enrolled on a manager's référentiel) and ``reports`` reports, the
    référentiels taken in turn, each with ``weeks`` weeks of history up to ``now``."""
    rng = random.Random(seed)
    calendars = {zone: _weeks(now, weeks, zone) for zone in (ZONE, ELSEWHERE)}
    cycles = calendars[ZONE]
    with session_scope(sessions) as session:
        tenant = Tenant(platform=Platform.SLACK, external_id=team_id, name="Reads")
        session.add(tenant)
        session.flush()
        manager = Person(
            tenant_id=tenant.id,
            platform_user_id=MANAGER_USER_ID,
            display_name="Boss",
            timezone=ZONE,
            locale="fr",
            referentiel_id="manager-equipe-vendeurs-b2b",
        )
        session.add(manager)
        session.flush()
        user_ids = [report_user_id(index) for index in range(reports)]
        report_ids = _insert(
            session,
            Person,
            [
                {
                    "tenant_id": tenant.id,
                    "platform_user_id": user_id,
                    "display_name": f"Report {index:05d}",
                    "timezone": _zone(index),
                    "locale": "fr",
                    "referentiel_id": referentiels[index % len(referentiels)],
                    "manager_id": manager.id,
                    "active": True,
                    "locale_chosen": False,
                    "timezone_chosen": False,
                    "delivery_failures": 0,
                }
                for index, user_id in enumerate(user_ids)
            ],
        )
        history = _History(session, catalog, tenant.id, manager.id, now, rng)
        for index, person_id in enumerate(report_ids):
            referentiel = referentiels[index % len(referentiels)]
            history.of(person_id, referentiel, calendars[_zone(index)], index)
        history.write()
        sync_tracks(session, report_ids)  # as a flow's flush does (storage.rating_tracks)
        current = cycles[0]
        meeting = now + timedelta(minutes=30)  # its brief is due (an hour before)
        local = meeting.astimezone(ZoneInfo(ZONE))
        schedule_ids = _insert(
            session,
            OneOnOneSchedule,
            [
                {
                    "tenant_id": tenant.id,
                    "manager_id": manager.id,
                    "report_id": person_id,
                    "weekday": local.weekday(),
                    "local_time": time(local.hour, local.minute),
                    "next_meeting_at": meeting,
                }
                for person_id in report_ids
            ],
        )
        digest = ReviewDigest(
            tenant_id=tenant.id,
            manager_id=manager.id,
            cycle_key=current.key,
            scheduled_at=now - timedelta(hours=1),
            closes_at=current.ends_at,
        )
        session.add(digest)
        session.flush()
        return Company(
            team_id,
            tenant.id,
            manager.id,
            report_ids,
            user_ids,
            current.key,
            schedule_ids,
            digest.id,
        )


def _status(roll: float, current: bool, *, diligent: bool) -> PromptStatus:
    """A week's check-in: this week, most have answered and the others have the DM; before,
    most were done, some missed, skipped, failed to go out or left unanswered."""
    if current:
        return PromptStatus.DONE if roll < 0.8 else PromptStatus.SENT
    if diligent or roll < 0.8:
        return PromptStatus.DONE
    for status, below in (
        (PromptStatus.MISSED, 0.9),
        (PromptStatus.SKIPPED, 0.95),
        (PromptStatus.FAILED, 0.98),
    ):
        if roll < below:
            return status
    return PromptStatus.SENT  # never answered, and no tick closed it


class _History:
    """Each report's weeks, gathered table by table, then written in bulk."""

    def __init__(
        self,
        session: Session,
        catalog: ReferentielCatalog,
        tenant_id: int,
        manager_id: int,
        now: datetime,
        rng: random.Random,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.tenant_id = tenant_id
        self.manager_id = manager_id
        self.now = now
        self.rng = rng
        self.prompts: list[dict[str, Any]] = []
        # Per done check-in: its prompt's index, the person, referentiel, when, levels.
        self.done: list[tuple[int, int, str, str, datetime, dict[str, str]]] = []
        self.reviews: list[tuple[int, str, datetime, dict[str, str]]] = []
        self.meetings: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []

    def of(self, person_id: int, referentiel_id: str, cycles: Sequence[Cycle], index: int) -> None:
        referentiel = self.catalog.get(referentiel_id)
        assert referentiel is not None
        competencies = [c.id for c in referentiel.all_competencies()]
        levels = [level.id for level in referentiel.scale.levels]
        rank = {cid: 0 for cid in competencies}
        rng = self.rng
        oldest_first = list(reversed(cycles))
        for week, cycle in enumerate(oldest_first):
            start = (week * PER_WEEK) % len(competencies)
            asked = [competencies[(start + i) % len(competencies)] for i in range(PER_WEEK)]
            scheduled = cycle.starts_at + timedelta(days=3, hours=8)  # Thursday morning
            if scheduled > self.now:
                continue
            current = week == len(oldest_first) - 1
            status = _status(rng.random(), current, diligent=index % DILIGENT_EVERY == 3)
            weeks_ago = len(oldest_first) - 1 - week
            if index % ON_LEAVE_EVERY == 4 and weeks_ago <= LEAVE + 1:
                status = PromptStatus.SKIPPED if weeks_ago < LEAVE else PromptStatus.MISSED
            completed = min(scheduled + timedelta(hours=2), self.now)
            number = len(self.prompts)
            self.prompts.append(
                {
                    "tenant_id": self.tenant_id,
                    "person_id": person_id,
                    "cycle_key": cycle.key,
                    "scheduled_at": scheduled,
                    "closes_at": cycle.ends_at,
                    "status": status,
                    "competency_ids": asked,
                    "sent_at": scheduled,
                    "completed_at": completed
                    if status in (PromptStatus.DONE, PromptStatus.SKIPPED)
                    else None,
                    "attempts": 1,
                }
            )
            if status is not PromptStatus.DONE:
                continue
            given = {}
            for cid in asked:
                step = rng.random()
                if current or step < 0.15:  # this week every answer moves (the digest)
                    rank[cid] = rank[cid] + 1 if rank[cid] + 1 < len(levels) else rank[cid] - 1
                elif step < 0.2 and rank[cid] > 0:
                    rank[cid] -= 1
                given[cid] = levels[rank[cid]]
            if index % ODD_EVERY == 0 and week % 10 == 5:  # a level the scale no longer has
                given[asked[0]] = "retired-level"
            self.done.append((number, person_id, referentiel_id, cycle.key, completed, given))
            if index % ODD_EVERY == 0 and week % 10 == 6:  # rated on a former référentiel
                self.done.append((number, person_id, "former", cycle.key, completed, given))
            if week % REVIEW_EVERY == REVIEW_EVERY - 1 and not current:
                self.reviews.append(
                    (person_id, referentiel_id, completed + timedelta(days=1), given)
                )
            if week % 2 == 0:
                self.meetings.append(
                    {
                        "tenant_id": self.tenant_id,
                        "manager_id": self.manager_id,
                        "report_id": person_id,
                        "held_at": cycle.starts_at + timedelta(days=1, hours=9),
                    }
                )
            if week % REVIEW_EVERY == 0:
                self.notes.append(
                    {
                        "tenant_id": self.tenant_id,
                        "person_id": person_id,
                        "author_id": self.manager_id,
                        "text": f"Note of {cycle.key}",
                        "created_at": completed,
                    }
                )

    def write(self) -> None:
        session = self.session
        prompt_ids = _insert(session, CheckinPrompt, self.prompts)
        checkin_ids = _insert(
            session,
            Submission,
            [
                {
                    "tenant_id": self.tenant_id,
                    "person_id": person_id,
                    "kind": SubmissionKind.CHECKIN,
                    "idempotency_key": f"checkin-{prompt_ids[index]}-{ref}",
                    "prompt_id": prompt_ids[index],
                    "created_at": at,
                }
                for index, person_id, ref, _key, at, _given in self.done
            ],
        )
        review_ids = _insert(
            session,
            Submission,
            [
                {
                    "tenant_id": self.tenant_id,
                    "person_id": person_id,
                    "kind": SubmissionKind.REVIEW,
                    "idempotency_key": f"review-{number}",
                    "created_at": at,
                }
                for number, (person_id, _ref, at, _given) in enumerate(self.reviews)
            ],
        )
        ratings: list[dict[str, Any]] = []
        evidence: list[dict[str, Any]] = []
        topics: list[dict[str, Any]] = []
        for submission_id, (_index, person_id, ref, key, at, given) in zip(
            checkin_ids, self.done, strict=True
        ):
            for cid, level in given.items():
                ratings.append(
                    self._rating(person_id, ref, cid, level, Rater.SELF, at, submission_id, key)
                )
            first = next(iter(given))
            evidence.append(
                {
                    "tenant_id": self.tenant_id,
                    "person_id": person_id,
                    "referentiel_id": ref,
                    "competency_id": first,
                    "text": f"Deal closed in {key}",
                    "submission_id": submission_id,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            if key.endswith(("0", "5")):
                topics.append(
                    {
                        "tenant_id": self.tenant_id,
                        "person_id": person_id,
                        "raised_by_id": person_id,
                        "text": f"Topic of {key}",
                        "submission_id": submission_id,
                        "created_at": at,
                    }
                )
        for submission_id, (person_id, ref, at, given) in zip(
            review_ids, self.reviews, strict=True
        ):
            for cid, level in given.items():
                ratings.append(
                    self._rating(person_id, ref, cid, level, Rater.MANAGER, at, submission_id)
                )
        _insert(session, Rating, ratings)
        _insert(session, Evidence, evidence)
        _insert(session, OneOnOneTopic, topics)
        _insert(session, OneOnOne, self.meetings)
        _insert(session, OneOnOneNote, self.notes)

    def _rating(
        self,
        person_id: int,
        referentiel_id: str,
        competency_id: str,
        level_id: str,
        rater: Rater,
        at: datetime,
        submission_id: int,
        cycle_key: str | None = None,
    ) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "person_id": person_id,
            "referentiel_id": referentiel_id,
            "competency_id": competency_id,
            "level_id": level_id,
            "rater": rater,
            "rater_person_id": self.manager_id if rater is Rater.MANAGER else person_id,
            "cycle_key": cycle_key,
            "submission_id": submission_id,
            "rated_at": at,
        }


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs inside the block; BEGIN, COMMIT and ROLLBACK
    aside (SQLite's ``BEGIN IMMEDIATE`` is a transaction, not a query)."""
    seen: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
