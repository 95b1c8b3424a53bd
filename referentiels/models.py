"""Pydantic models of a référentiel, able to hold both shapes of the sources.

* A **matrix** (``kind: matrix``): an ordered scale of levels, each with the
  source's own description, and for every competency and every level the named
  aspects and the expected result that the source writes in the cell.
* A **certification référentiel** (``kind: certification``): blocs and activities
  holding competencies with a code (``C1.1.1``), associated knowledge, the
  evaluation modalities that apply to them and their evaluation criteria
  (``CR1.1.1``). Such a référentiel has no per-level descriptors, so it is rated on
  Palier's own progression scale (``scale.origin: palier``).

All text is the source's, word for word with the HTML removed; only ids and the
structure are Palier's. Every model forbids unknown keys so that a typo in a data
file is an error, not a silently ignored field.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64),
    Field(description="A stable identifier: letters, digits, '.', '_' or '-'."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# A run of text as the source lays it out: a string is a paragraph, a list of
# strings is a bulleted list (the bullet marks themselves are not kept).
Paragraphs = list[Text | list[Text]]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(StrictModel):
    """One step of a rating scale, lowest first in :attr:`Scale.levels`."""

    id: Identifier
    label: Text
    description: Text | None = Field(
        default=None, description="What reaching this level means, as the source says it."
    )


class Scale(StrictModel):
    """The ordered rating scale of a référentiel.

    ``origin: referentiel`` means the levels are the source's own (a matrix);
    ``origin: palier`` marks Palier's progression scale, used where the source has
    no levels of its own. Its labels are then Palier's words, not the certifier's.
    """

    origin: Literal["referentiel", "palier"]
    levels: list[Level] = Field(min_length=2, max_length=10)

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)

    def rank(self, level_id: str) -> int:
        """Position of a level on the scale, 0 for the lowest. Raises KeyError."""
        for index, level in enumerate(self.levels):
            if level.id == level_id:
                return index
        raise KeyError(level_id)


class Aspect(StrictModel):
    """A named aspect of a matrix cell ("Identification des comptes : …")."""

    name: Text | None = Field(
        default=None, description="The aspect's name, when the source gives one."
    )
    text: Text
    outcome: Text | None = Field(
        default=None,
        description="A result the source attaches to this aspect with '⇒'.",
    )


class LevelDescriptor(StrictModel):
    """What one matrix cell says a competency looks like at one level."""

    heading: Text | None = Field(default=None, description="The cell's heading, e.g. 'Niveau 1'.")
    aspects: list[Aspect] = Field(min_length=1)
    expected_result: Text | None = Field(
        default=None, description="The cell's '⇒ Résultats attendus : …' sentence."
    )


class Criterion(StrictModel):
    """An evaluation criterion; the thing evidence is logged against."""

    code: Identifier | None = Field(default=None, description="The source's code, e.g. CR1.1.1.")
    text: Text
    items: list[Text] = Field(default_factory=list, description="A list the criterion introduces.")
    conclusion: Text | None = Field(
        default=None, description="A sentence the source writes after that list."
    )


class Competency(StrictModel):
    id: Identifier = Field(description="Palier's stable key for this competency.")
    code: Text | None = Field(default=None, description="The source's code, e.g. C1.1.1.")
    title: Text = Field(description="The competency as the source states it.")
    shared: bool | None = Field(
        default=None,
        description="Matrix only: whether the source marks it as shared with other matrices.",
    )
    knowledge: list[Text] = Field(default_factory=list, description="Connaissances associées.")
    evaluations: list[Identifier] = Field(
        default_factory=list, description="Ids of the evaluation modalities that assess it."
    )
    criteria: list[Criterion] = Field(default_factory=list)
    levels: dict[str, LevelDescriptor] = Field(
        default_factory=dict, description="Matrix only: the cell for each level id of the scale."
    )

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    def criterion_key(self, index: int) -> str:
        """The key evidence uses for the criterion at ``index``: its code, or a position."""
        criterion = self.criteria[index]
        return criterion.code or f"{self.id}#{index + 1}"


class Group(StrictModel):
    """A bloc, an activity or a domain: something that groups competencies."""

    kind: Literal["bloc", "activity", "domain"]
    code: Text | None = None
    title: Text
    description: Paragraphs = Field(default_factory=list)
    activities: list[Text] = Field(
        default_factory=list, description="The activities the source lists under this heading."
    )
    groups: list[Group] = Field(default_factory=list)
    competencies: list[Competency] = Field(default_factory=list)


class Evaluation(StrictModel):
    """An evaluation modality; one can assess several competencies."""

    id: Identifier
    code: Text | None = Field(default=None, description="The source's code, e.g. E1.")
    content: Paragraphs = Field(min_length=1)


class Source(StrictModel):
    organisation: Text | None = None
    document: Text | None = Field(default=None, description="The name of the source document.")
    note: Text | None = None


class Referentiel(StrictModel):
    """A whole référentiel, as stored in one YAML file."""

    id: Identifier
    title: Text
    kind: Literal["matrix", "certification"]
    language: Literal["fr", "en"] = "fr"
    source: Source = Field(default_factory=Source)
    scale: Scale
    description: Paragraphs = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    competencies: list[Competency] = Field(
        default_factory=list, description="Competencies outside any group."
    )
    evaluations: list[Evaluation] = Field(default_factory=list)
    validation: Paragraphs = Field(
        default_factory=list, description="The certification's validation conditions."
    )

    def iter_competencies(self) -> Iterator[tuple[tuple[Group, ...], Competency]]:
        """Every competency in source order, with the groups that hold it (outermost first)."""
        for competency in self.competencies:
            yield (), competency

        def walk(
            group: Group, parents: tuple[Group, ...]
        ) -> Iterator[tuple[tuple[Group, ...], Competency]]:
            path = (*parents, group)
            for competency in group.competencies:
                yield path, competency
            for child in group.groups:
                yield from walk(child, path)

        for group in self.groups:
            yield from walk(group, ())

    def all_competencies(self) -> list[Competency]:
        return [competency for _, competency in self.iter_competencies()]

    @cached_property
    def competency_paths(self) -> dict[str, tuple[tuple[Group, ...], Competency]]:
        """Each competency by id, with the groups that hold it: worked out once (the
        model is frozen), not at each lookup — the tick looks up every competency of
        every prompt it sends."""
        paths: dict[str, tuple[tuple[Group, ...], Competency]] = {}
        for groups, competency in self.iter_competencies():
            paths.setdefault(competency.id, (groups, competency))  # the first, as a walk finds
        return paths

    def competency(self, competency_id: str) -> Competency | None:
        found = self.competency_paths.get(competency_id)
        return found[1] if found is not None else None

    def evaluation(self, evaluation_id: str) -> Evaluation | None:
        return next((e for e in self.evaluations if e.id == evaluation_id), None)
