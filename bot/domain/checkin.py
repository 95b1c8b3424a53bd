"""The weekly check-in as a person lives it: open the form, submit, skip, snooze, summary.

The application layer (:mod:`bot.app.checkin`) calls these services in its unit of
work with the person acting, looked up once *in their own workspace*; every
service refuses a prompt that is not theirs with the same answer as an unknown
one, so nothing leaks across people or tenants. Nothing here knows about Slack.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.domain import checkin_edit as edit
from bot.domain import criteria_coverage
from bot.domain.people import find_person, find_tenant, zone_of
from bot.domain.progress import (
    CycleOutcome,
    History,
    ProgressSummary,
    RatingPoint,
    by_competency,
    latest_of_each,
    quarter_start,
    summarize_history,
)
from bot.domain.scheduling import Cycle, snooze_until
from bot.domain.snooze import SnoozeChoice, chosen
from bot.domain.submissions import (
    CheckinSubmission,
    FieldProblem,
    claim_submission,
    record_checkin,
    validate_checkin,
)
from referentiels.loader import ReferentielCatalog
from referentiels.models import Competency, Group, Level, LevelDescriptor, Referentiel
from storage.models import (
    CheckinPrompt,
    Evidence,
    Person,
    Platform,
    PromptStatus,
    Rater,
    Rating,
    Submission,
    SubmissionKind,
)

OPEN_STATUSES = (PromptStatus.PENDING, PromptStatus.SENDING, PromptStatus.SENT)


class Refusal(enum.StrEnum):
    """Why a check-in action was not carried out; each has a catalog message."""

    NOT_ENROLLED = "not_enrolled"  # unknown person, or no référentiel
    UNKNOWN_PROMPT = "unknown_prompt"  # no such prompt for this person (or someone else's)
    ALREADY_DONE = "already_done"
    CLOSED = "closed"  # the cycle is over
    UNKNOWN_EVIDENCE = "unknown_evidence"  # no such evidence of this person's
    EDIT_CLOSED = "edit_closed"  # a submitted check-in whose week closed: no more edits
    SNOOZE_UNKNOWN = "snooze_unknown"  # a snooze choice nobody offered (a tampered value)
    SNOOZE_PASSED = "snooze_passed"  # a snooze choice no longer offered (passed, or too late)


@dataclass(frozen=True)
class CheckinItem:
    """One competency of a check-in, with what the person rates against."""

    competency: Competency
    groups: tuple[Group, ...]  # bloc → activity, outermost first
    current: Level | None  # the person's latest self-rating
    next_level: Level | None  # the level above ``current`` (the lowest when unrated)
    next_descriptor: LevelDescriptor | None  # that level's matrix cell; None for a certification


@dataclass(frozen=True)
class CheckinForm:
    """Everything a front end needs to draw the check-in of one prompt."""

    prompt_id: int
    cycle_key: str
    closes_at: datetime
    referentiel: Referentiel
    items: list[CheckinItem]
    # The person has a manager: the form asks for a topic for their next 1:1.
    asks_topic: bool = True
    filled: CheckinSubmission | None = None  # an edit: the check-in as it was submitted

    @property
    def competency_ids(self) -> list[str]:
        return [item.competency.id for item in self.items]


@dataclass(frozen=True)
class SubmitResult:
    """The outcome of a submission: problems (nothing stored), a duplicate, or stored."""

    problems: list[FieldProblem]
    stored: bool = False
    duplicate: bool = False
    refusal: Refusal | None = None
    prompt: CheckinPrompt | None = None  # the person's prompt, when it was theirs
    replaced: bool = False  # an edit: the week's check-in replaced (bot.domain.checkin_edit)
    reopened: frozenset[str] = frozenset()  # competencies whose confirmation no longer holds


def person_for(session: Session, platform: Platform, team_id: str, user_id: str) -> Person | None:
    """The person acting, looked up in their own workspace only."""
    tenant = find_tenant(session, platform, team_id)
    return find_person(session, tenant.id, user_id) if tenant else None


def person_zone(person: Person, default_timezone: str) -> ZoneInfo:
    return ZoneInfo(zone_of(person, default_timezone))


def latest_levels(
    session: Session, person: Person, referentiel: Referentiel, excluding: Sequence[int] = ()
) -> dict[str, Level]:
    """Each competency's latest self-rated level (ratings on another référentiel ignored,
    and those of the submissions ``excluding``: a check-in being edited)."""
    levels: dict[str, Level] = {}
    query = (
        select(Rating.competency_id, Rating.level_id)
        .where(
            Rating.person_id == person.id,
            Rating.rater == Rater.SELF,
            Rating.referentiel_id == referentiel.id,
        )
        .order_by(Rating.rated_at, Rating.id)
    )
    if excluding:
        query = query.where(
            or_(Rating.submission_id.is_(None), Rating.submission_id.not_in(list(excluding)))
        )
    for competency_id, level_id in session.execute(query):
        level = referentiel.scale.level(level_id)
        if level is not None:
            levels[competency_id] = level
    return levels


def next_level_of(referentiel: Referentiel, current: Level | None) -> Level | None:
    levels = referentiel.scale.levels
    if current is None:
        return levels[0]
    rank = referentiel.scale.rank(current.id)
    return levels[rank + 1] if rank + 1 < len(levels) else None


def latest_levels_of(
    session: Session, people: Mapping[int, Referentiel]
) -> dict[int, dict[str, Level]]:
    """:func:`latest_levels` for many people at once (person id → their référentiel): one
    query, which reads only each competency's latest rating however long the history."""
    if not people:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=(Rating.person_id, Rating.competency_id),
            order_by=(Rating.rated_at.desc(), Rating.id.desc()),
        )
        .label("rank")
    )
    by_referentiel: dict[str, list[int]] = {}
    for person_id, referentiel in people.items():
        by_referentiel.setdefault(referentiel.id, []).append(person_id)
    on_their_referentiel = or_(
        *(
            and_(Rating.referentiel_id == referentiel_id, Rating.person_id.in_(person_ids))
            for referentiel_id, person_ids in by_referentiel.items()
        )
    )
    latest = (
        select(Rating.person_id, Rating.competency_id, Rating.level_id, rank)
        .where(on_their_referentiel, Rating.rater == Rater.SELF)
        .subquery()
    )
    query = select(latest.c.person_id, latest.c.competency_id, latest.c.level_id).where(
        latest.c.rank == 1
    )
    levels: dict[int, dict[str, Level]] = {person_id: {} for person_id in people}
    for person_id, competency_id, level_id in session.execute(query):
        level = people[person_id].scale.level(level_id)
        if level is not None:
            levels[person_id][competency_id] = level
    return levels


def build_form(
    session: Session, person: Person, prompt: CheckinPrompt, referentiel: Referentiel
) -> CheckinForm:
    """The check-in form for a prompt: its competencies, current levels, next level's words."""
    return form_of(prompt, referentiel, latest_levels(session, person, referentiel))


def form_of(
    prompt: CheckinPrompt, referentiel: Referentiel, levels: Mapping[str, Level]
) -> CheckinForm:
    """The check-in form for a prompt, given the person's current ``levels``; a 1:1
    topic is asked of someone with a manager only."""
    paths = referentiel.competency_paths
    items = []
    for competency_id in prompt.competency_ids:
        found = paths.get(competency_id)
        if found is None:  # the référentiel changed since planning: skip what is gone
            continue
        groups, competency = found
        current = levels.get(competency_id)
        upcoming = next_level_of(referentiel, current)
        items.append(
            CheckinItem(
                competency=competency,
                groups=groups,
                current=current,
                next_level=upcoming,
                next_descriptor=competency.levels.get(upcoming.id) if upcoming else None,
            )
        )
    asks_topic = prompt.person.manager_id is not None
    return CheckinForm(
        prompt.id, prompt.cycle_key, prompt.closes_at, referentiel, items, asks_topic
    )


class CheckinService:
    """The check-in actions of one person, already looked up in their own workspace.

    Every action takes the acting :class:`Person` (the application layer resolves
    them once per request, :mod:`bot.app.checkin`) and refuses a prompt that is not
    theirs with the same answer as an unknown one.
    """

    def __init__(
        self,
        catalog: ReferentielCatalog,
        *,
        default_timezone: str = "Europe/Paris",
        snooze_hours: float = 3,
        platform: Platform = Platform.SLACK,
    ) -> None:
        self.catalog = catalog
        self.default_timezone = default_timezone
        self.snooze_hours = snooze_hours
        self.platform = platform  # only for summary() by a platform identity

    # -- lookups -----------------------------------------------------------------

    def referentiel_of(self, person: Person | None) -> Referentiel | None:
        """The référentiel a person is enrolled on; None when not followed or not enrolled."""
        if person is None or person.referentiel_id is None:
            return None
        return self.catalog.get(person.referentiel_id)

    def _prompt(self, session: Session, person: Person, prompt_id: int) -> CheckinPrompt | None:
        prompt = session.get(CheckinPrompt, prompt_id)
        if prompt is None or prompt.person_id != person.id or prompt.tenant_id != person.tenant_id:
            return None
        return prompt

    def closes_at(self, session: Session, person: Person, prompt_id: int) -> datetime | None:
        """When the person's check-in ``prompt_id`` closes (closed); None if not theirs."""
        prompt = self._prompt(session, person, prompt_id)
        return prompt.closes_at if prompt is not None else None

    # -- actions -----------------------------------------------------------------

    def open_form(
        self, session: Session, person: Person, prompt_id: int, now: datetime
    ) -> CheckinForm | Refusal:
        """The form to fill in, or why it cannot be opened (done, closed, not theirs)."""
        prompt = self._open_prompt(session, person, prompt_id, now)
        if isinstance(prompt, Refusal):
            return prompt
        referentiel = self.referentiel_of(person)
        assert referentiel is not None  # _open_prompt checked the enrolment
        return build_form(session, person, prompt, referentiel)

    def submit(
        self,
        session: Session,
        person: Person,
        prompt_id: int,
        submission: CheckinSubmission,
        idempotency_key: str,
        now: datetime,
        asked: datetime | None = None,
    ) -> SubmitResult:
        """Validate and store a check-in in the caller's transaction.

        A submission that arrives after its cycle closed (the modal was open at
        the deadline) is still stored: nothing a person submitted is lost. One for a
        check-in stored already replaces it while its week is open
        (:mod:`bot.domain.checkin_edit`; ``asked``: when it was submitted, if before
        ``now``), and is refused after.
        """
        referentiel = self.referentiel_of(person)
        if referentiel is None:
            return SubmitResult([], refusal=Refusal.NOT_ENROLLED)
        prompt = self._prompt(session, person, prompt_id)
        if prompt is None:
            return SubmitResult([], refusal=Refusal.UNKNOWN_PROMPT)
        problems = validate_checkin(submission, referentiel, list(prompt.competency_ids))
        if problems:
            return SubmitResult(problems, prompt=prompt)
        # Stored already (done, or kept late on a missed week): this one replaces it. Only
        # then is it looked for: a first check-in costs no more statements than before.
        stored = prompt.status in (PromptStatus.DONE, PromptStatus.MISSED)
        if stored and edit.earlier_checkins(session, prompt):
            return self._replace(session, person, prompt, submission, idempotency_key, now, asked)
        today = now.astimezone(person_zone(person, self.default_timezone)).date()
        record = record_checkin(session, person, prompt, submission, idempotency_key, now, today)
        return SubmitResult([], stored=record is not None, duplicate=record is None, prompt=prompt)

    def _replace(
        self,
        session: Session,
        person: Person,
        prompt: CheckinPrompt,
        submission: CheckinSubmission,
        key: str,
        now: datetime,
        asked: datetime | None,
    ) -> SubmitResult:
        """A check-in submitted again: stored once (a second delivery of any submission
        stores nothing, even after the week closed), replacing the week's while it is
        open (judged when it was submitted, ``asked``), refused once it closed."""
        known = select(Submission.id).where(
            Submission.tenant_id == person.tenant_id, Submission.idempotency_key == key
        )
        if session.scalar(known) is not None:
            return SubmitResult([], duplicate=True, prompt=prompt)
        if not edit.editable(prompt.status, prompt.closes_at, asked or now):
            return SubmitResult([], refusal=Refusal.EDIT_CLOSED, prompt=prompt)
        record = claim_submission(session, person, SubmissionKind.CHECKIN, key, now, prompt)
        if record is None:  # delivered twice at once: the other one stored it
            return SubmitResult([], duplicate=True, prompt=prompt)
        today = now.astimezone(person_zone(person, self.default_timezone)).date()
        reopened = edit.replace_checkin(session, person, prompt, submission, record, now, today)
        return SubmitResult([], stored=True, prompt=prompt, replaced=True, reopened=reopened)

    def open_edit(
        self, session: Session, person: Person, prompt_id: int, now: datetime
    ) -> CheckinForm | Refusal:
        """The form of a submitted check-in, filled in as it was submitted, while its week
        is open; a check-in not submitted yet opens as usual (:meth:`open_form`)."""
        referentiel = self.referentiel_of(person)
        if referentiel is None:
            return Refusal.NOT_ENROLLED
        prompt = self._prompt(session, person, prompt_id)
        if prompt is None:
            return Refusal.UNKNOWN_PROMPT
        if prompt.status is not PromptStatus.DONE:
            return self.open_form(session, person, prompt_id, now)
        if not edit.editable(prompt.status, prompt.closes_at, now):
            return Refusal.EDIT_CLOSED
        earlier = edit.earlier_checkins(session, prompt)
        before = latest_levels(session, person, referentiel, excluding=earlier)
        filled = edit.stored_answers(session, prompt, earlier)
        return replace(form_of(prompt, referentiel, before), filled=filled)

    def skip(
        self, session: Session, person: Person, prompt_id: int, now: datetime
    ) -> CheckinPrompt | Refusal:
        """Skip this cycle: no reminder, and the prompt shows as skipped."""
        prompt = self._open_prompt(session, person, prompt_id, now)
        if isinstance(prompt, Refusal):
            return prompt
        prompt.status = PromptStatus.SKIPPED
        prompt.completed_at = now
        prompt.snoozed_until = None
        return prompt

    def snooze(
        self,
        session: Session,
        person: Person,
        prompt_id: int,
        now: datetime,
        choice: str | None = None,
        timezone: str | None = None,
    ) -> CheckinPrompt | Refusal:
        """Put the check-in off to ``choice`` (:mod:`bot.domain.snooze`, in ``timezone``,
        as offered at ``now``): the prompt, whose ``snoozed_until`` says when it comes
        back. A choice not offered now is refused and changes nothing. Without a choice
        (a button of a prompt sent before the choices), a few hours, capped before the
        cycle ends."""
        prompt = self._open_prompt(session, person, prompt_id, now)
        if isinstance(prompt, Refusal):
            return prompt
        if choice is not None:
            if choice not in set(SnoozeChoice):
                return Refusal.SNOOZE_UNKNOWN
            zone = timezone or self.default_timezone
            option = chosen(choice, now, zone, prompt.closes_at)
            if option is None:
                return Refusal.SNOOZE_PASSED
            prompt.snoozed_until = option.until
        else:
            # Only the cycle's end matters to the cap; its start is not used.
            cycle = Cycle(prompt.cycle_key, prompt.scheduled_at, prompt.closes_at)
            prompt.snoozed_until = snooze_until(now, self.snooze_hours, cycle)
        if prompt.status is PromptStatus.SKIPPED:
            prompt.status = PromptStatus.SENT
            prompt.completed_at = None
        return prompt

    def _open_prompt(
        self, session: Session, person: Person, prompt_id: int, now: datetime
    ) -> CheckinPrompt | Refusal:
        if self.referentiel_of(person) is None:
            return Refusal.NOT_ENROLLED
        prompt = self._prompt(session, person, prompt_id)
        if prompt is None:
            return Refusal.UNKNOWN_PROMPT
        if prompt.status is PromptStatus.DONE:
            return Refusal.ALREADY_DONE
        if prompt.closes_at <= now or prompt.status is PromptStatus.MISSED:
            return Refusal.CLOSED
        return prompt

    def summary(
        self, session: Session, team_id: str, user_id: str, now: datetime
    ) -> ProgressSummary | Refusal:
        """The level-progress summary of a platform identity, for a caller outside the
        application layer (the flows call :func:`load_summary` with their actor)."""
        person = person_for(session, self.platform, team_id, user_id)
        referentiel = self.referentiel_of(person)
        if person is None or referentiel is None:
            return Refusal.NOT_ENROLLED
        return load_summary(session, person, referentiel, now, self.default_timezone)


def load_summary(
    session: Session,
    person: Person,
    referentiel: Referentiel,
    now: datetime,
    default_timezone: str = "Europe/Paris",
    rater: Rater = Rater.SELF,
    *,
    beside_manager: bool = False,
) -> ProgressSummary:
    """Load what :func:`bot.domain.progress.summarize` needs for one person, and compute it;
    on a certification référentiel, with the criteria their evidence covers (read in the
    same statement as the evidence counts). ``beside_manager``: with the manager's latest level of each competency they reviewed
    (:attr:`ProgressSummary.manager`), read in the same statement as the ratings."""
    raters = [rater, Rater.MANAGER] if beside_manager and rater is not Rater.MANAGER else [rater]
    ratings: list[RatingPoint] = []
    reviewed: list[RatingPoint] = []
    for competency_id, level_id, rated_at, by in session.execute(
        select(Rating.competency_id, Rating.level_id, Rating.rated_at, Rating.rater)
        .where(
            Rating.person_id == person.id,
            Rating.rater.in_(raters),
            Rating.referentiel_id == referentiel.id,
        )
        .order_by(Rating.id)
    ):
        point = RatingPoint(competency_id, level_id, rated_at)
        (ratings if by == rater else reviewed).append(point)
    evidence: Counter[str] = Counter()
    logged: list[tuple[str, str | None]] = []  # what the evidence shows, for the criteria
    for competency_id, criterion_key, count in session.execute(
        select(Evidence.competency_id, Evidence.criterion_key, func.count())
        .where(Evidence.person_id == person.id, Evidence.referentiel_id == referentiel.id)
        .group_by(Evidence.competency_id, Evidence.criterion_key)
    ).all():
        evidence[competency_id] += count
        logged.append((competency_id, criterion_key))
    prompts = session.execute(
        select(CheckinPrompt.cycle_key, CheckinPrompt.status, CheckinPrompt.closes_at)
        .where(CheckinPrompt.person_id == person.id, CheckinPrompt.scheduled_at <= now)
        .order_by(CheckinPrompt.closes_at)
    ).all()
    zone = person_zone(person, default_timezone)
    rows = [(key, status, closes_at) for key, status, closes_at in prompts]
    summary = summary_from(referentiel, ratings, evidence, rows, zone, now)
    if referentiel.kind == "certification":
        criteria = criteria_coverage.totals(criteria_coverage.coverage(referentiel, logged))
        if criteria.criteria:
            summary = replace(summary, criteria=criteria)
    if not reviewed:
        return summary
    return replace(summary, manager=latest_of_each(referentiel, reviewed))


PromptRow = tuple[str, PromptStatus, datetime]  # a check-in's cycle, status and end


def quarter_began(zone: ZoneInfo, now: datetime) -> datetime:
    """When the calendar quarter of ``now`` began in ``zone`` (its first day's midnight)."""
    local_day = now.astimezone(zone).date()
    return datetime.combine(quarter_start(local_day), time(0), zone).astimezone(UTC)


def summary_from(
    referentiel: Referentiel,
    ratings: Sequence[RatingPoint] | History,
    evidence: Mapping[str, int],
    prompts: Sequence[PromptRow],
    zone: ZoneInfo,
    now: datetime,
    streak_before: int = 0,
    quarter_began_at: datetime | None = None,
) -> ProgressSummary:
    """A person's summary from what was read for them (by :func:`load_summary`, or for a
    whole team at once): their ratings on ``referentiel`` (or those on its scale by
    competency, oldest first: :data:`bot.domain.progress.History`), evidence per
    competency, and check-ins scheduled so far, oldest first — or only the latest of
    them, with ``streak_before`` the streak the older ones left (see
    :func:`bot.domain.progress.streak`); ``quarter_began_at``: :func:`quarter_began`, when
    the caller has it already."""
    outcomes = [
        CycleOutcome(
            key,
            done=status is PromptStatus.DONE,
            # A skipped week is the person's choice (leave, travel): it neither
            # counts nor breaks the streak, like a week still open.
            open=status is PromptStatus.SKIPPED or (closes_at > now and status in OPEN_STATUSES),
        )
        for key, status, closes_at in prompts
        if status is not PromptStatus.FAILED  # Palier's failure, not the person's
    ]
    began = quarter_began(zone, now) if quarter_began_at is None else quarter_began_at
    history = ratings if isinstance(ratings, Mapping) else by_competency(referentiel, ratings)
    return summarize_history(referentiel, history, evidence, outcomes, began, streak_before)
