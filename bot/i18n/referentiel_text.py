"""Référentiels and their problems rendered as plain text, for the command line; and a
level's words in a person's language (the calendar's are in :mod:`bot.i18n.formats`)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.i18n import Translator
from referentiels.loader import Problem
from referentiels.models import Competency, Group, Level, Paragraphs, Referentiel


def render_problem(problem: Problem, t: Translator) -> str:
    """``file: place: message`` — one line a user can act on."""
    params = {"field": "", "expected": "", "min": "", "max": "", **problem.params}
    message = t(f"referentiel.problem.{problem.key}", detail=problem.detail, **params)
    parts = (
        [problem.file, problem.location, message] if problem.location else [problem.file, message]
    )
    return ": ".join(parts)


def _paragraphs(paragraphs: Paragraphs, indent: str) -> Iterator[str]:
    for paragraph in paragraphs:
        if isinstance(paragraph, list):
            yield from (f"{indent}- {item}" for item in paragraph)
        else:
            yield f"{indent}{paragraph}"


def _competency(
    referentiel: Referentiel, competency: Competency, t: Translator, indent: str
) -> Iterator[str]:
    yield f"{indent}[{competency.id}] {competency.label}"
    inner = indent + "    "
    for level in referentiel.scale.levels:
        descriptor = competency.levels.get(level.id)
        if descriptor is None:
            continue
        yield f"{inner}{level.label}" + (f" ({descriptor.heading})" if descriptor.heading else "")
        for aspect in descriptor.aspects:
            name = f"{aspect.name} : " if aspect.name else ""
            yield f"{inner}  - {name}{aspect.text}"
            if aspect.outcome:
                yield f"{inner}    ⇒ {aspect.outcome}"
        if descriptor.expected_result:
            label = t("cli.referentiels.show.expected_result")
            yield f"{inner}  ⇒ " + t(
                "common.label_value", label=label, value=descriptor.expected_result
            )
    if competency.knowledge:
        yield (
            inner
            + t("common.label_value", label=t("cli.referentiels.show.knowledge"), value="").rstrip()
        )
        yield from (f"{inner}  - {item}" for item in competency.knowledge)
    if competency.evaluations:
        label = t("cli.referentiels.show.evaluations")
        yield inner + t("common.label_value", label=label, value=", ".join(competency.evaluations))
    if competency.criteria:
        yield (
            inner
            + t("common.label_value", label=t("cli.referentiels.show.criteria"), value="").rstrip()
        )
        for index, criterion in enumerate(competency.criteria):
            yield f"{inner}  [{competency.criterion_key(index)}] {criterion.text}"
            yield from (f"{inner}      - {item}" for item in criterion.items)
            if criterion.conclusion:
                yield f"{inner}    {criterion.conclusion}"


def _group(referentiel: Referentiel, group: Group, t: Translator, indent: str) -> Iterator[str]:
    yield f"{indent}{group.code + ' : ' if group.code else ''}{group.title}"
    yield from _paragraphs(group.description, indent + "  ")
    yield from (f"{indent}  - {activity}" for activity in group.activities)
    for competency in group.competencies:
        yield from _competency(referentiel, competency, t, indent + "  ")
    for child in group.groups:
        yield from _group(referentiel, child, t, indent + "  ")


def render_referentiel(referentiel: Referentiel, t: Translator) -> str:
    """The whole référentiel as indented text, in source order."""
    show = "cli.referentiels.show"

    def heading(key: str, value: str = "") -> str:
        return t("common.label_value", label=t(f"{show}.{key}"), value=value).rstrip()

    lines = [
        referentiel.title,
        heading("kind", t("referentiel.kind." + referentiel.kind)),
        heading("language", referentiel.language),
    ]
    source = [s for s in (referentiel.source.organisation, referentiel.source.document) if s]
    if source:
        lines.append(heading("source", " — ".join(source)))
    lines.append(heading("scale", t("referentiel.origin." + referentiel.scale.origin)))
    for level in referentiel.scale.levels:
        lines.append(f"  {level.label}" + (f" — {level.description}" if level.description else ""))
    lines.extend(_paragraphs(referentiel.description, ""))
    lines.append("")
    lines.append(heading("competencies"))
    for competency in referentiel.competencies:
        lines.extend(_competency(referentiel, competency, t, "  "))
    for group in referentiel.groups:
        lines.extend(_group(referentiel, group, t, "  "))
    if referentiel.evaluations:
        lines.append("")
        lines.append(heading("evaluations"))
        for evaluation in referentiel.evaluations:
            lines.append(
                f"  [{evaluation.id}]" + (f" {evaluation.code}" if evaluation.code else "")
            )
            lines.extend(_paragraphs(evaluation.content, "    "))
    if referentiel.validation:
        lines.append("")
        lines.append(heading("validation"))
        lines.extend(_paragraphs(referentiel.validation, "  "))
    return "\n".join(lines)


def level_label(referentiel: Referentiel, level: Level, t: Translator) -> str:
    """A level's name: the référentiel's own words, or the catalog's for Palier's scale."""
    if referentiel.scale.origin == "palier":
        return t(f"scale.{level.id}.label")
    return level.label


def level_description(referentiel: Referentiel, level: Level, t: Translator) -> str | None:
    """A level's description, in the catalog's words for Palier's own scale."""
    if referentiel.scale.origin == "palier":
        return t(f"scale.{level.id}.description")
    return level.description
