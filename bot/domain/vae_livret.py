"""The VAE "livret de preuves": a person's evidence laid out as a certification's jury reads it.

A candidate to a certification by VAE shows, per bloc and competency, evidence from
real work against the référentiel's evaluation criteria. Palier holds that material
week after week; :func:`build_livret` gathers it for one person on one certification
référentiel, in the référentiel's own order: per bloc (the outermost group) and
competency, the modalities of evaluation that assess it, the person's self and manager
levels over time, their evidence, and per evaluation criterion the evidence tied to it.

Evidence is logged against a competency, and only sometimes against one of its criteria
(``criterion_key``). Nothing is guessed: evidence tied to a criterion is listed under
that criterion; evidence tied to the competency only is listed under the competency.
A criterion is *covered* when evidence is tied to it or when its competency has
evidence not tied to any criterion (the jury judges whether that evidence meets it);
otherwise it is a *gap*, listed so the person knows what to work on. The rule lives in
:mod:`bot.domain.criteria_coverage`, shared with the weekly rotation and the summary.

Whether the manager confirmed a piece of evidence is read from the rating it came with
(the same check-in): the first manager rating of that competency after it and before
the person's next self-rating — the review Palier asked for — at the same level
(confirmed) or another (adjusted). Evidence logged on its own came with no rating.

Who may have a livret is the caller's to decide (:mod:`bot.domain.access`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.criteria_coverage import covered_flags
from referentiels.models import Competency, Criterion, Evaluation, Group, Level, Referentiel
from storage.models import Evidence, Person, Rater, Rating


class Review(enum.StrEnum):
    """What the manager made of the rating a piece of evidence came with."""

    CONFIRMED = "confirmed"  # the manager gave the same level
    ADJUSTED = "adjusted"  # the manager gave another level
    AWAITING = "awaiting"  # not reviewed (yet)
    NO_RATING = "no_rating"  # logged on its own: no rating to confirm


@dataclass(frozen=True)
class EvidenceLine:
    happened_on: date
    text: str
    link: str | None
    source_permalink: str | None
    review: Review


@dataclass(frozen=True)
class LevelPoint:
    """One rating: when (UTC), by whom, at which level of the référentiel's scale."""

    rated_at: datetime
    rater: Rater
    level: Level


@dataclass(frozen=True)
class CriterionEntry:
    key: str
    criterion: Criterion
    evidence: tuple[EvidenceLine, ...]  # tied to this criterion
    covered: bool


@dataclass(frozen=True)
class CompetencySection:
    competency: Competency
    evaluations: tuple[Evaluation, ...]  # the référentiel's modalities that assess it
    levels: tuple[LevelPoint, ...]  # oldest first
    evidence: tuple[EvidenceLine, ...]  # tied to the competency, not to a criterion
    criteria: tuple[CriterionEntry, ...]


@dataclass(frozen=True)
class BlocSection:
    group: Group | None  # None: the competencies outside any group
    competencies: tuple[CompetencySection, ...]


@dataclass(frozen=True)
class Gap:
    bloc: Group | None
    competency: Competency
    criterion: CriterionEntry


@dataclass(frozen=True)
class Livret:
    name: str
    referentiel: Referentiel
    blocs: tuple[BlocSection, ...]

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return tuple(
            Gap(bloc.group, section.competency, entry)
            for bloc in self.blocs
            for section in bloc.competencies
            for entry in section.criteria
            if not entry.covered
        )

    @property
    def criteria_count(self) -> int:
        return sum(len(s.criteria) for bloc in self.blocs for s in bloc.competencies)


def _reviews(ratings: Sequence[Rating]) -> dict[int, Review]:
    """Each self-rating (by id) with what the manager made of it, from one person's
    ratings in time order."""
    tracks: dict[str, list[Rating]] = {}
    for rating in ratings:
        tracks.setdefault(rating.competency_id, []).append(rating)
    found: dict[int, Review] = {}
    for track in tracks.values():
        for index, own in enumerate(track):
            if own.rater is not Rater.SELF:
                continue
            found[own.id] = Review.AWAITING
            for later in track[index + 1 :]:
                if later.rater is Rater.SELF:
                    break
                same = later.level_id == own.level_id
                found[own.id] = Review.CONFIRMED if same else Review.ADJUSTED
                break
    return found


def _evidence_line(evidence: Evidence, review: Review) -> EvidenceLine:
    return EvidenceLine(
        evidence.happened_on, evidence.text, evidence.link, evidence.source_permalink, review
    )


def _lines(
    evidence: Sequence[Evidence], ratings: Sequence[Rating]
) -> dict[str, list[tuple[str | None, EvidenceLine]]]:
    """Each competency's evidence (oldest first), with the criterion it is tied to."""
    reviews = _reviews(ratings)
    own_rating: dict[tuple[int | None, str], int] = {
        (r.submission_id, r.competency_id): r.id
        for r in ratings
        if r.rater is Rater.SELF and r.submission_id is not None
    }
    found: dict[str, list[tuple[str | None, EvidenceLine]]] = {}
    for row in evidence:
        rating_id = own_rating.get((row.submission_id, row.competency_id))
        review = Review.NO_RATING if rating_id is None else reviews[rating_id]
        found.setdefault(row.competency_id, []).append(
            (row.criterion_key, _evidence_line(row, review))
        )
    return found


def _section(
    referentiel: Referentiel,
    competency: Competency,
    levels: Sequence[LevelPoint],
    lines: Sequence[tuple[str | None, EvidenceLine]],
) -> CompetencySection:
    keys = [competency.criterion_key(i) for i in range(len(competency.criteria))]
    loose = tuple(line for key, line in lines if key not in keys)
    covered = covered_flags(competency, {key for key, _ in lines})
    criteria = []
    for key, criterion, flag in zip(keys, competency.criteria, covered, strict=True):
        tied = tuple(line for k, line in lines if k == key)
        criteria.append(CriterionEntry(key, criterion, tied, flag))
    evaluations = tuple(
        e for e in (referentiel.evaluation(i) for i in competency.evaluations) if e is not None
    )
    return CompetencySection(competency, evaluations, tuple(levels), loose, tuple(criteria))


def build_livret(session: Session, person: Person, referentiel: Referentiel) -> Livret:
    """The livret of ``person`` on ``referentiel`` (two reads: ratings, evidence)."""
    ratings = session.scalars(
        select(Rating)
        .where(Rating.person_id == person.id, Rating.referentiel_id == referentiel.id)
        .order_by(Rating.rated_at, Rating.id)
    ).all()
    evidence = session.scalars(
        select(Evidence)
        .where(Evidence.person_id == person.id, Evidence.referentiel_id == referentiel.id)
        .order_by(Evidence.happened_on, Evidence.id)
    ).all()
    lines = _lines(evidence, ratings)
    levels: dict[str, list[LevelPoint]] = {}
    for rating in ratings:
        level = referentiel.scale.level(rating.level_id)
        if level is not None:
            point = LevelPoint(rating.rated_at, rating.rater, level)
            levels.setdefault(rating.competency_id, []).append(point)
    blocs: dict[int, tuple[Group | None, list[CompetencySection]]] = {}
    for groups, competency in referentiel.iter_competencies():
        bloc = groups[0] if groups else None
        section = _section(
            referentiel,
            competency,
            levels.get(competency.id, []),
            lines.get(competency.id, []),
        )
        blocs.setdefault(id(bloc), (bloc, []))[1].append(section)
    name = person.display_name or person.platform_user_id
    return Livret(
        name,
        referentiel,
        tuple(BlocSection(group, tuple(sections)) for group, sections in blocs.values()),
    )
