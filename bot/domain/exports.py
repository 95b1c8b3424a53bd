"""Ratings and evidence as CSV: one row per rating, for the people the asker may see.

Who: :func:`exportable_people` applies the policy for a person asking in chat (a
manager their team, an admin their workspace, a member nobody — their own data
goes through the privacy export); the command line exports everyone. The evidence logged in
the same check-in for the same competency travels on the rating's row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.access import Viewer, visible_people
from bot.domain.csv_safe import csv_text
from bot.domain.people import shown_name
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from referentiels.loader import ReferentielCatalog
from storage.models import Evidence, Person, Rating, Tenant

COLUMNS = (
    "workspace",
    "person",
    "email",
    "referentiel",
    "competency_code",
    "competency",
    "level",
    "level_name",
    "rater",
    "rater_name",
    "cycle",
    "rated_at",
    "comment",
    "evidence",
    "evidence_links",
)


def exportable_people(session: Session, viewer: Viewer) -> list[Person] | None:
    """Whose ratings ``viewer`` may export, themself included; None when they may not."""
    people = visible_people(session, viewer)
    others = [p for p in people if viewer.person is None or p.id != viewer.person.id]
    return people if others else None  # nobody but oneself: not a manager or admin


def ratings_csv(
    session: Session, people: Sequence[Person], catalog: ReferentielCatalog, t: Translator
) -> str:
    """The CSV text (header + one row per rating, oldest first per person).

    Written by :func:`bot.domain.csv_safe.csv_text`: user text never becomes a formula.
    """
    ids = [p.id for p in people]
    if not ids:
        return csv_text(COLUMNS, [])
    by_id = {p.id: p for p in people}
    tenants = {
        tenant.id: tenant.external_id
        for tenant in session.scalars(
            select(Tenant).where(Tenant.id.in_({p.tenant_id for p in people}))
        )
    }
    evidence: dict[tuple[int | None, str], list[Evidence]] = defaultdict(list)
    for item in session.scalars(
        select(Evidence).where(Evidence.person_id.in_(ids), Evidence.submission_id.is_not(None))
    ):
        evidence[(item.submission_id, item.competency_id)].append(item)
    raters = {
        p.id: shown_name(p) or t("people.erased")
        for p in session.scalars(
            select(Person).where(
                Person.id.in_(
                    select(Rating.rater_person_id).where(Rating.person_id.in_(ids)).distinct()
                )
            )
        )
    }
    ratings = session.scalars(
        select(Rating)
        .where(Rating.person_id.in_(ids))
        .order_by(Rating.person_id, Rating.rated_at, Rating.id)
    )
    rows: list[list[str]] = []
    for rating in ratings:
        person = by_id[rating.person_id]
        referentiel = catalog.get(rating.referentiel_id)
        competency = referentiel.competency(rating.competency_id) if referentiel else None
        level = referentiel.scale.level(rating.level_id) if referentiel else None
        attached = evidence.get((rating.submission_id, rating.competency_id), [])
        rows.append(
            [
                tenants.get(person.tenant_id, ""),
                person.display_name or person.platform_user_id,
                person.email or "",
                rating.referentiel_id,
                (competency.code or competency.id) if competency else rating.competency_id,
                competency.title if competency else "",
                rating.level_id,
                level_label(referentiel, level, t) if referentiel and level else "",
                rating.rater.value,
                raters.get(rating.rater_person_id or -1, ""),
                rating.cycle_key or "",
                rating.rated_at.isoformat(),
                rating.comment or "",
                " | ".join(item.text for item in attached),
                " ".join(item.link for item in attached if item.link),
            ]
        )
    return csv_text(COLUMNS, rows)
