"""The VAE livret de preuves as a neutral document: headings, paragraphs, lists, tables.

One outline, worded once in the person's language (the catalog's ``vae_livret``
section, dates by :mod:`bot.i18n.formats`), that two renderers lay out: an editable
Word file (:mod:`bot.views.vae_livret_docx`: candidates rewrite their livret in Word)
and a PDF that prints well (:mod:`bot.views.vae_livret_pdf`). The référentiel's text —
blocs, competencies, criteria, modalities of evaluation — is quoted word for word;
only Palier's own words come from the catalog. What goes in is
:mod:`bot.domain.vae_livret`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.vae_livret import (
    BlocSection,
    CompetencySection,
    CriterionEntry,
    EvidenceLine,
    Gap,
    Livret,
)
from bot.i18n import Translator
from bot.i18n.formats import long_day, short_date
from bot.i18n.rich import Rich
from referentiels.models import Criterion, Group, Paragraphs
from storage.models import Rater

WORDS = "vae_livret"
Style = Literal["body", "quote", "note", "gap", "label"]


@dataclass(frozen=True)
class Heading:
    level: int  # 1: a bloc (and the gaps), 2: a competency, 3: a part of it
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    # quote: the référentiel's words; note: Palier's; gap: to work on; label: a name in bold
    style: Style = "body"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    style: Style = "body"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullets | Table


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    created: datetime  # the injected clock's now: a fixed creation date in the files
    language: str  # "fr" or "en": the files say which
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def filename(livret: Livret, t: Translator, now: datetime, zone: str) -> str:
    """``livret-vae-manager-grands-comptes-2026-12-06`` (no extension)."""
    day = _local(now, zone).date().isoformat()
    return t(f"{WORDS}.filename", referentiel=livret.referentiel.id, date=day)


def _local(instant: datetime, zone: str) -> datetime:
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone))


def _group_title(group: Group | None, t: Translator) -> str:
    if group is None:
        return t(f"{WORDS}.outside_blocs")
    return f"{group.code} — {group.title}" if group.code else group.title


def _quoted(paragraphs: Paragraphs) -> Iterator[Block]:
    for paragraph in paragraphs:
        if isinstance(paragraph, list):
            yield Bullets(tuple(paragraph), "quote")
        else:
            yield Paragraph(paragraph, "quote")


def _criterion(criterion: Criterion) -> Iterator[Block]:
    text = f"{criterion.code} — {criterion.text}" if criterion.code else criterion.text
    yield Paragraph(text, "quote")
    if criterion.items:
        yield Bullets(tuple(criterion.items), "quote")
    if criterion.conclusion:
        yield Paragraph(criterion.conclusion, "quote")


def evidence_text(line: EvidenceLine, t: Translator) -> str:
    """One piece of evidence on one line: its day, its text, its links, its review."""
    parts = [f"{short_date(line.happened_on, t)} — {line.text}"]
    if line.link:
        parts.append(t(f"{WORDS}.link", url=line.link))
    if line.source_permalink:
        parts.append(t(f"{WORDS}.message", url=line.source_permalink))
    parts.append(t(f"{WORDS}.review.{line.review.value}"))
    return " · ".join(parts)


def _levels(section: CompetencySection, t: Translator, zone: str) -> Iterator[Block]:
    yield Heading(3, t(f"{WORDS}.levels"))
    if not section.levels:
        yield Paragraph(t(f"{WORDS}.no_levels"), "note")
        return
    rows = tuple(
        (
            short_date(_local(point.rated_at, zone).date(), t),
            point.level.label if point.rater is Rater.SELF else "",
            point.level.label if point.rater is Rater.MANAGER else "",
        )
        for point in section.levels
    )
    header = (t(f"{WORDS}.date"), t(f"{WORDS}.self"), t(f"{WORDS}.manager"))
    yield Table(header, rows)


def _entry(entry: CriterionEntry, loose: bool, t: Translator) -> Iterator[Block]:
    yield from _criterion(entry.criterion)
    if entry.evidence:
        yield Bullets(tuple(evidence_text(line, t) for line in entry.evidence))
    elif loose:
        yield Paragraph(t(f"{WORDS}.covered_by_competency"), "note")
    else:
        yield Paragraph(t(f"{WORDS}.gap"), "gap")


def _competency(section: CompetencySection, t: Translator, zone: str) -> Iterator[Block]:
    yield Heading(2, section.competency.label)
    yield Heading(3, t(f"{WORDS}.modalities"))
    if not section.evaluations:
        yield Paragraph(t(f"{WORDS}.no_modalities"), "note")
    for evaluation in section.evaluations:
        if evaluation.code:
            yield Paragraph(evaluation.code, "quote")
        yield from _quoted(evaluation.content)
    yield from _levels(section, t, zone)
    yield Heading(3, t(f"{WORDS}.evidence"))
    if section.evidence:
        yield Bullets(tuple(evidence_text(line, t) for line in section.evidence))
    else:
        yield Paragraph(t(f"{WORDS}.no_evidence"), "note")
    if section.criteria:
        yield Heading(3, t(f"{WORDS}.criteria"))
        for entry in section.criteria:
            yield from _entry(entry, bool(section.evidence), t)


def _bloc(bloc: BlocSection, t: Translator, zone: str) -> Iterator[Block]:
    yield Heading(1, _group_title(bloc.group, t))
    for section in bloc.competencies:
        yield from _competency(section, t, zone)


def _gaps(livret: Livret, t: Translator) -> Iterator[Block]:
    yield Heading(1, t(f"{WORDS}.gaps"))
    gaps, total = livret.gaps, livret.criteria_count
    if not gaps:
        yield Paragraph(t(f"{WORDS}.no_gaps"), "note")
        return
    yield Paragraph(t.plural(f"{WORDS}.gap_count", len(gaps), total=total), "note")
    by_competency: dict[str, list[Gap]] = {}
    for gap in gaps:
        by_competency.setdefault(gap.competency.id, []).append(gap)
    for found in by_competency.values():
        yield Paragraph(found[0].competency.label, "label")
        yield Bullets(tuple(_criterion_line(gap.criterion.criterion) for gap in found), "gap")


def _criterion_line(criterion: Criterion) -> str:
    return f"{criterion.code} {criterion.text}" if criterion.code else criterion.text


def document(livret: Livret, t: Translator, now: datetime, zone: str) -> Document:
    """The livret's outline, worded in ``t``'s language, dated ``now`` in ``zone``."""
    blocks: list[Block] = [
        Paragraph(t(f"{WORDS}.made_on", date=long_day(_local(now, zone).date(), t)), "note"),
        Paragraph(t(f"{WORDS}.how_to_read"), "note"),
    ]
    source = livret.referentiel.source
    if source.document:
        blocks.append(Paragraph(t(f"{WORDS}.source", document=source.document), "note"))
    for bloc in livret.blocs:
        blocks.extend(_bloc(bloc, t, zone))
    blocks.extend(_gaps(livret, t))
    title = t(f"{WORDS}.title", name=livret.name)
    return Document(title, livret.referentiel.title, now, t.language, tuple(blocks))


def sent(t: Translator) -> Rich:
    """Where the livret went: the person's own DM with Palier."""
    return t.rich(f"{WORDS}.sent")


def refusal(code: str, t: Translator) -> Rich:
    """Why there is no livret (:class:`bot.app.vae.LivretRefusal`'s code)."""
    return t.rich(f"{WORDS}.refusal.{code}")
