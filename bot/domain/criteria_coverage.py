"""Which evaluation criteria of a référentiel a person's evidence covers.

One definition, shared by the VAE livret (:mod:`bot.domain.vae_livret`, which lists the
gaps), the weekly rotation (:func:`bot.domain.scheduling.select_competencies`, which
favours the competencies with gaps) and the summary after a check-in (which counts the
covered criteria), so the three always agree.

Evidence is logged against a competency, and only sometimes against one of its criteria
(``criterion_key``). A criterion is *covered* when evidence is tied to it, or when its
competency has evidence tied to none of its criteria (the jury judges whether that
evidence meets it); otherwise it is a *gap*. Nothing else is guessed. Pure: the caller
reads the evidence, as ``(competency id, criterion key or None)`` pairs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from referentiels.models import Competency, Referentiel

# What a piece of evidence says it shows: its competency, and its criterion if any.
Logged = tuple[str, str | None]


@dataclass(frozen=True)
class CompetencyCoverage:
    """How many of a competency's criteria are covered, out of how many it has."""

    covered: int
    criteria: int

    @property
    def share(self) -> Fraction:
        """The covered share, 0 to 1; a competency without criteria has nothing to
        cover, so counts as covered (1)."""
        return Fraction(self.covered, self.criteria) if self.criteria else Fraction(1)


def covered_flags(competency: Competency, keys: Collection[str | None]) -> tuple[bool, ...]:
    """Per criterion of ``competency``, in its order, whether it is covered by evidence
    of that competency tied to ``keys`` (a key per piece; None: tied to no criterion)."""
    own = [competency.criterion_key(i) for i in range(len(competency.criteria))]
    loose = any(key not in own for key in keys)  # tied to the competency, not a criterion
    return tuple(loose or key in keys for key in own)


def coverage(referentiel: Referentiel, logged: Iterable[Logged]) -> dict[str, CompetencyCoverage]:
    """Each competency of ``referentiel`` (by id) with its covered criteria, from the
    person's evidence on it; evidence of a competency the référentiel no longer has is
    ignored."""
    keys: dict[str, set[str | None]] = {}
    for competency_id, key in logged:
        keys.setdefault(competency_id, set()).add(key)
    found: dict[str, CompetencyCoverage] = {}
    for competency in referentiel.all_competencies():
        flags = covered_flags(competency, keys.get(competency.id, set()))
        found[competency.id] = CompetencyCoverage(sum(flags), len(flags))
    return found


def totals(by_competency: Mapping[str, CompetencyCoverage]) -> CompetencyCoverage:
    """The whole référentiel's count: covered criteria out of all its criteria."""
    return CompetencyCoverage(
        sum(c.covered for c in by_competency.values()),
        sum(c.criteria for c in by_competency.values()),
    )


def shares(by_competency: Mapping[str, CompetencyCoverage]) -> dict[str, Fraction]:
    """Each competency's covered share, as the rotation takes it."""
    return {competency_id: c.share for competency_id, c in by_competency.items()}
