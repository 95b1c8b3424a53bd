"""A submitted check-in edited while its week is open, in place.

People change their mind (Geekbot and DailyBot let them): until the week's check-in
closes (the prompt's ``closes_at``, its cycle's end in the person's time zone) the
check-in can be submitted again, and the new answers *replace* the week's: the same
rating rows take the new levels (no second row for the same person, competency and
week; the rating tracks follow, :mod:`storage.rating_tracks`), the check-in's evidence
and its 1:1 topic are those of the new answers. A self-rating whose level changed is
dated anew, so a manager's confirmation of the old level no longer covers it: it awaits
review again (:mod:`bot.domain.review`: a self-rating newer than the manager's), and
the person is told which ones. An unchanged level keeps its date and its confirmation.

Every edit is a submission of its own, keyed like any other (Slack's view id), so an
edit delivered twice is stored once. Once the week is closed nothing is replaced.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.domain.rating_rows import RatingSource
from bot.domain.submissions import CheckinAnswer, CheckinSubmission, add_notes
from storage.models import (
    CheckinPrompt,
    Evidence,
    OneOnOneTopic,
    Person,
    PromptStatus,
    Rater,
    Rating,
    Submission,
    SubmissionKind,
)


def editable(status: PromptStatus, closes_at: datetime, now: datetime) -> bool:
    """Whether a check-in can still be edited: it was submitted (done) and its week has
    not closed yet. A late check-in (kept on a missed week) is never edited."""
    return status is PromptStatus.DONE and now < closes_at


def earlier_checkins(session: Session, prompt: CheckinPrompt) -> list[int]:
    """The submissions that stored this prompt's check-in so far (oldest first)."""
    return list(
        session.scalars(
            select(Submission.id)
            .where(Submission.prompt_id == prompt.id, Submission.kind == SubmissionKind.CHECKIN)
            .order_by(Submission.id)
        )
    )


def stored_answers(
    session: Session, prompt: CheckinPrompt, earlier: Collection[int]
) -> CheckinSubmission | None:
    """The check-in as it is stored now, as the form is filled in: each competency's
    level, its evidence and link, the 1:1 topic (None when nothing is stored)."""
    if not earlier:
        return None
    levels = dict(
        session.execute(
            select(Rating.competency_id, Rating.level_id).where(
                Rating.submission_id.in_(earlier), Rating.rater == Rater.SELF
            )
        ).all()
    )
    notes: dict[str, tuple[str, str | None]] = {}
    for competency_id, text, link in session.execute(
        select(Evidence.competency_id, Evidence.text, Evidence.link)
        .where(Evidence.submission_id.in_(earlier))
        .order_by(Evidence.id)
    ):
        notes.setdefault(competency_id, (text, link))
    topic = session.scalar(
        select(OneOnOneTopic.text)
        .where(OneOnOneTopic.submission_id.in_(earlier))
        .order_by(OneOnOneTopic.id.desc())
        .limit(1)
    )
    answers = [
        CheckinAnswer(
            competency_id=competency_id,
            level_id=levels[competency_id],
            evidence_text=notes.get(competency_id, (None, None))[0],
            evidence_link=notes.get(competency_id, (None, None))[1],
        )
        for competency_id in prompt.competency_ids
        if competency_id in levels
    ]
    return CheckinSubmission(answers=answers, topic=topic) if answers else None


def replace_checkin(
    session: Session,
    person: Person,
    prompt: CheckinPrompt,
    submission: CheckinSubmission,
    record: Submission,
    now: datetime,
    today: date | None = None,
) -> frozenset[str]:
    """The week's check-in replaced by ``submission`` (validated, stored as ``record``), in
    the caller's transaction; the competencies whose manager confirmation no longer holds
    (the level changed after the manager reviewed it). The new evidence happened on
    ``today``, the person's day of the edit."""
    earlier = [i for i in earlier_checkins(session, prompt) if i != record.id]
    rows = {
        row.competency_id: row
        for row in session.scalars(
            select(Rating).where(
                Rating.submission_id.in_(earlier),
                Rating.rater == Rater.SELF,
                Rating.person_id == person.id,
            )
        )
    }
    changed: dict[str, datetime] = {}  # competency → when the replaced level was given
    source = RatingSource(person, Rater.SELF, person, now, record.id, prompt.cycle_key)
    for answer in submission.answers:
        assert answer.level_id is not None  # validated
        row = rows.get(answer.competency_id)
        if row is None:  # not rated before (cannot happen through the form): add it
            row = source.add(session, answer.competency_id, answer.level_id)
        elif row.level_id != answer.level_id:
            changed[answer.competency_id] = row.rated_at
            row.level_id, row.rated_at = answer.level_id, now
        row.submission_id = record.id
    reopened = _confirmed(session, person, changed)
    session.execute(
        delete(Evidence)
        .where(Evidence.submission_id.in_(earlier))
        .execution_options(synchronize_session=False)
    )
    discussed = set(
        session.scalars(
            select(OneOnOneTopic.text).where(
                OneOnOneTopic.submission_id.in_(earlier),
                OneOnOneTopic.discussed_in_id.is_not(None),
            )
        )
    )
    session.execute(  # a topic already discussed at a 1:1 stays with that 1:1
        delete(OneOnOneTopic)
        .where(OneOnOneTopic.submission_id.in_(earlier), OneOnOneTopic.discussed_in_id.is_(None))
        .execution_options(synchronize_session=False)
    )
    add_notes(
        session,
        person,
        record,
        submission,
        now,
        topic=submission.topic not in discussed,
        today=today,
    )
    session.flush()  # the changed ratings' tracks are kept in this flush
    return reopened


def _confirmed(session: Session, person: Person, changed: Mapping[str, datetime]) -> frozenset[str]:
    """Of the ``changed`` competencies, those a manager had reviewed since the level the
    person just changed was given."""
    if not changed:
        return frozenset()
    reviewed = session.execute(
        select(Rating.competency_id, func.max(Rating.rated_at))
        .where(
            Rating.person_id == person.id,
            Rating.rater == Rater.MANAGER,
            Rating.referentiel_id == person.referentiel_id,
            Rating.competency_id.in_(list(changed)),
        )
        .group_by(Rating.competency_id)
    ).all()
    return frozenset(c for c, at in reviewed if at is not None and at >= changed[c])
