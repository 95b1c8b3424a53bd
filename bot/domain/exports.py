"""Ratings and evidence as a table: one row per rating, and one per piece of evidence
logged on its own, for the people the asker may see.

Who: :func:`exportable_people` applies the policy for a person asking in chat (a
manager their team, an admin their workspace, a member nobody — their own data
goes through the privacy export); the command line exports everyone. The evidence logged in
the same check-in for the same competency travels on the rating's row; every other piece
of evidence — logged with ``/palier log`` or the message shortcut, or in a check-in for a
competency it did not rate — has a row of its own (type « Preuve »), so that everything a
person logged is in the file once. Headers and words are the asker's language; dates are
in the asker's time zone, which the date column names. Written as a workbook or as CSV by
:mod:`bot.domain.xlsx_safe` and :mod:`bot.domain.csv_safe`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.access import Viewer, visible_people
from bot.domain.people import shown_name
from bot.domain.sheets import Cell, Table
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_label
from referentiels.loader import ReferentielCatalog
from storage.models import Evidence, Person, Rating, Tenant

COLUMNS = (
    "kind",
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
    "date",
    "comment",
    "evidence",
    "evidence_links",
    "evidence_date",
)
WORDS = "files_excel.export"
# Columns whose header lives outside WORDS' own list.
COLUMN_KEYS = {"evidence_date": "evidence_date.column"}


def exportable_people(session: Session, viewer: Viewer) -> list[Person] | None:
    """Whose ratings ``viewer`` may export, themself included; None when they may not."""
    people = visible_people(session, viewer)
    others = [p for p in people if viewer.person is None or p.id != viewer.person.id]
    return people if others else None  # nobody but oneself: not a manager or admin


def header(t: Translator, zone: str) -> tuple[str, ...]:
    """The columns in the asker's words; the date's names the zone its times are in."""
    return tuple(
        t(COLUMN_KEYS.get(column, f"{WORDS}.column.{column}"), zone=zone) for column in COLUMNS
    )


def ratings_table(
    session: Session,
    people: Sequence[Person],
    catalog: ReferentielCatalog,
    t: Translator,
    zone: str = "UTC",
) -> Table:
    """Header + one row per rating and per piece of evidence no rating row carries, per
    person (in ``people``'s order), oldest first; times in ``zone``."""
    ids = [p.id for p in people]
    if not ids:
        return Table(COLUMNS, header(t, zone), ())
    local = ZoneInfo(zone)
    by_id = {p.id: p for p in people}
    tenants = {
        tenant.id: tenant.external_id
        for tenant in session.scalars(
            select(Tenant).where(Tenant.id.in_({p.tenant_id for p in people}))
        )
    }
    evidence: dict[tuple[int | None, str], list[Evidence]] = defaultdict(list)
    for item in session.scalars(
        select(Evidence)
        .where(Evidence.person_id.in_(ids))
        .order_by(Evidence.created_at, Evidence.id)
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
    rows: dict[int, list[tuple[datetime, list[Cell]]]] = defaultdict(list)
    carried: set[int] = set()
    for rating in ratings:
        person = by_id[rating.person_id]
        attached = (
            evidence.get((rating.submission_id, rating.competency_id), [])
            if rating.submission_id is not None
            else []
        )
        carried.update(item.id for item in attached)
        when = _local(rating.rated_at, local)
        row = _rating_row(rating, person, tenants, raters, attached, catalog, t, when)
        rows[person.id].append((when, row))
    for items in evidence.values():
        for item in items:
            if item.id not in carried:
                person = by_id[item.person_id]
                when = _local(item.created_at, local)
                row = _evidence_row(item, person, tenants, catalog, t, when)
                rows[person.id].append((when, row))
    table: list[list[Cell]] = []
    for person in people:
        table.extend(row for _, row in sorted(rows[person.id], key=lambda pair: pair[0]))
    return Table(COLUMNS, header(t, zone), table)


def _rating_row(
    rating: Rating,
    person: Person,
    tenants: dict[int, str],
    raters: dict[int, str],
    attached: list[Evidence],
    catalog: ReferentielCatalog,
    t: Translator,
    when: datetime,
) -> list[Cell]:
    """A rating, with the evidence logged beside it in its check-in."""
    referentiel = catalog.get(rating.referentiel_id)
    competency = referentiel.competency(rating.competency_id) if referentiel else None
    level = referentiel.scale.level(rating.level_id) if referentiel else None
    return [
        t(f"{WORDS}.kind.rating"),
        tenants.get(person.tenant_id, ""),
        person.display_name or person.platform_user_id,
        person.email or "",
        rating.referentiel_id,
        (competency.code or competency.id) if competency else rating.competency_id,
        competency.title if competency else "",
        rating.level_id,
        level_label(referentiel, level, t) if referentiel and level else "",
        t(f"{WORDS}.rater.{rating.rater.value}"),
        raters.get(rating.rater_person_id or -1, ""),
        rating.cycle_key or "",
        when,
        rating.comment or "",
        " | ".join(item.text for item in attached),
        " ".join(item.link for item in attached if item.link),
        attached[0].happened_on if attached else "",
    ]


def _evidence_row(
    item: Evidence,
    person: Person,
    tenants: dict[int, str],
    catalog: ReferentielCatalog,
    t: Translator,
    when: datetime,
) -> list[Cell]:
    """A piece of evidence no rating carries: no level, no rater; its date is when it was
    logged, its evidence date the day it happened."""
    referentiel = catalog.get(item.referentiel_id)
    competency = referentiel.competency(item.competency_id) if referentiel else None
    return [
        t(f"{WORDS}.kind.evidence"),
        tenants.get(person.tenant_id, ""),
        person.display_name or person.platform_user_id,
        person.email or "",
        item.referentiel_id,
        (competency.code or competency.id) if competency else item.competency_id,
        competency.title if competency else "",
        "",
        "",
        "",
        "",
        "",
        when,
        "",
        item.text,
        item.link or "",
        item.happened_on,
    ]


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored instant (UTC, naive or not) as the wall-clock time in ``zone``, naive: a
    spreadsheet has no time zones, the column's name says which."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(zone).replace(tzinfo=None)
