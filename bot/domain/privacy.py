"""A person's own data: everything Palier holds about them, and its erasure.

``export_person`` gathers it as plain JSON-ready data (the person can take it
away); ``erase_person`` removes their ratings (given to them by anyone), their
evidence, their 1:1 topics and 1:1s, the private 1:1 notes about them or by them,
their recurring 1:1s, their check-in history and submissions, and clears their
profile, in the caller's transaction. What remains is a row in
``erasures`` saying when and at whose request — counts, no content.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from referentiels.loader import ReferentielCatalog
from storage.models import (
    CheckinPrompt,
    Erasure,
    Evidence,
    OneOnOne,
    OneOnOneNote,
    OneOnOneSchedule,
    OneOnOneTopic,
    Person,
    Rating,
    Submission,
)
from storage.rating_tracks import sync_tracks

log = logging.getLogger(__name__)

ERASED = "erased"  # inactive_reason after erasure


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_person(
    session: Session, person: Person, catalog: ReferentielCatalog, t: Translator
) -> dict[str, Any]:
    """Everything Palier holds about one person, as JSON-ready data."""

    def competency_name(referentiel_id: str, competency_id: str) -> str | None:
        referentiel = catalog.get(referentiel_id)
        competency = referentiel.competency(competency_id) if referentiel else None
        return competency.label if competency else None

    def level_name(referentiel_id: str, level_id: str) -> str | None:
        referentiel = catalog.get(referentiel_id)
        level = referentiel.scale.level(level_id) if referentiel else None
        return level_label(referentiel, level, t) if referentiel and level else None

    ratings = session.scalars(
        select(Rating).where(Rating.person_id == person.id).order_by(Rating.rated_at, Rating.id)
    ).all()
    evidence = session.scalars(
        select(Evidence)
        .where(Evidence.person_id == person.id)
        .order_by(Evidence.happened_on, Evidence.id)
    ).all()
    topics = session.scalars(
        select(OneOnOneTopic)
        .where(OneOnOneTopic.person_id == person.id)
        .order_by(OneOnOneTopic.created_at)
    ).all()
    prompts = session.scalars(
        select(CheckinPrompt)
        .where(CheckinPrompt.person_id == person.id)
        .order_by(CheckinPrompt.cycle_key)
    ).all()
    meetings = session.scalars(
        select(OneOnOne)
        .where(or_(OneOnOne.report_id == person.id, OneOnOne.manager_id == person.id))
        .order_by(OneOnOne.held_at)
    ).all()
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    # A manager's private notes are never shown to the person in Palier, but they are
    # personal data about them (GDPR art. 15): the export includes them, with their source.
    notes = session.scalars(
        select(OneOnOneNote)
        .where(OneOnOneNote.person_id == person.id)
        .order_by(OneOnOneNote.created_at, OneOnOneNote.id)
    ).all()
    authors = {note.author_id: session.get(Person, note.author_id) for note in notes}
    return {
        "profile": {
            "platform_user_id": person.platform_user_id,
            "display_name": person.display_name,
            "email": person.email,
            "locale": person.locale,
            "timezone": person.timezone,
            "role": person.role.value,
            "manager": manager.display_name if manager else None,
            "referentiel": person.referentiel_id,
            "checkin_weekday": person.checkin_weekday,
            "checkin_time": person.checkin_time.isoformat() if person.checkin_time else None,
            "paused_until": person.paused_until.isoformat() if person.paused_until else None,
            "active": person.active,
        },
        "ratings": [
            {
                "referentiel": r.referentiel_id,
                "competency": r.competency_id,
                "competency_name": competency_name(r.referentiel_id, r.competency_id),
                "level": r.level_id,
                "level_name": level_name(r.referentiel_id, r.level_id),
                "rater": r.rater.value,
                "cycle": r.cycle_key,
                "comment": r.comment,
                "rated_at": _time(r.rated_at),
            }
            for r in ratings
        ],
        "evidence": [
            {
                "referentiel": e.referentiel_id,
                "competency": e.competency_id,
                "competency_name": competency_name(e.referentiel_id, e.competency_id),
                "criterion": e.criterion_key,
                "text": e.text,
                "link": e.link,
                "source_message": e.source_permalink,
                "happened_on": e.happened_on.isoformat(),
                "created_at": _time(e.created_at),
                "updated_at": _time(e.updated_at),
            }
            for e in evidence
        ],
        "one_on_one_topics": [
            {"text": topic.text, "created_at": _time(topic.created_at)} for topic in topics
        ],
        "one_on_ones": [{"held_at": _time(m.held_at)} for m in meetings],
        "one_on_one_notes": [
            {
                "text": note.text,
                "author": author.display_name if (author := authors[note.author_id]) else None,
                "created_at": _time(note.created_at),
            }
            for note in notes
        ],
        "checkins": [
            {
                "cycle": p.cycle_key,
                "status": p.status.value,
                "scheduled_at": _time(p.scheduled_at),
                "sent_at": _time(p.sent_at),
                "completed_at": _time(p.completed_at),
            }
            for p in prompts
        ],
    }


def erase_person(
    session: Session, person: Person, requested_by: str, now: datetime
) -> dict[str, int]:
    """Erase one person's data; returns what was removed, by kind (also recorded)."""
    counts: dict[str, int] = {}

    def remove(name: str, statement: Any) -> None:
        result = session.execute(statement.execution_options(synchronize_session=False))
        counts[name] = int(getattr(result, "rowcount", 0) or 0)

    remove("ratings", delete(Rating).where(Rating.person_id == person.id))
    sync_tracks(session, [person.id])  # a bulk delete: no flush tells storage.rating_tracks
    remove("evidence", delete(Evidence).where(Evidence.person_id == person.id))
    remove("one_on_one_topics", delete(OneOnOneTopic).where(OneOnOneTopic.person_id == person.id))
    remove("one_on_ones", delete(OneOnOne).where(OneOnOne.report_id == person.id))
    # Notes about them, and the notes they wrote (shown to their author only: nobody's now).
    remove(
        "one_on_one_notes",
        delete(OneOnOneNote).where(
            or_(OneOnOneNote.person_id == person.id, OneOnOneNote.author_id == person.id)
        ),
    )
    remove(
        "one_on_one_schedules",
        delete(OneOnOneSchedule).where(
            or_(OneOnOneSchedule.report_id == person.id, OneOnOneSchedule.manager_id == person.id)
        ),
    )
    remove("checkins", delete(CheckinPrompt).where(CheckinPrompt.person_id == person.id))
    remove("submissions", delete(Submission).where(Submission.person_id == person.id))
    # The profile goes too; the row stays (a number) so reports keep their manager link.
    person.display_name = None
    person.email = None
    person.referentiel_id = None
    person.checkin_weekday = None
    person.checkin_time = None
    person.paused_until = None
    person.active = False
    person.inactive_reason = ERASED
    session.add(
        Erasure(
            tenant_id=person.tenant_id,
            person_id=person.id,
            requested_by=requested_by,
            counts=counts,
            erased_at=now,
        )
    )
    session.flush()
    log.info("erased person %s at the request of %s: %s", person.id, requested_by, counts)
    return counts
