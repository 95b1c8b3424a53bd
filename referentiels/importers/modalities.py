"""Evaluation modalities of a certification table: cut, continued and linked.

A modality column runs down a bloc's rows: one modality for the bloc, or one per
code (E1, E2 …) or per modality naming its competencies first ("Jeu de rôle (C1)").
Page breaks cut its sentences and lists, and sometimes repeat what came before the
break; this module joins them back and says so in the review report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referentiels.importers.cells import Block, Row
from referentiels.importers.report import ImportReport
from referentiels.models import Evaluation

STARTS_LOWER = re.compile(r"^[a-zà-ÿ]")
EVALUATION_CODE = re.compile(r"^(E\d+)\s+(.+)$")
INNER_EVALUATION = re.compile(r"\s+(?=E\d+\s+[A-ZÀ-Ý])")
REFERENCE = re.compile(r"\((C\d+(?:\.\d+)*)")
# A modality naming what it assesses at its start: "Jeu de rôle (C1)", "… (C5 et C6)".
REFERENCED = re.compile(r"^[A-ZÀ-Ý][^()]{0,80}\((C\d+(?:\.\d+)*(?:(?:,| et) ?C\d+(?:\.\d+)*)*)\)")
CODE_IN = re.compile(r"C\d+(?:\.\d+)*")


def join_continuation(
    row: Row,
    content: list[Block],
    blocks: list[Block],
    report: ImportReport,
    decision: str | None = "decision.continuation_joined",
) -> list[Block]:
    """A cell continuing the one before a page break: repeated items dropped, a
    sentence cut in two joined, a list continued; ``decision`` is the one that says
    so (None when the caller has said it its own way)."""
    for size in range(min(len(blocks), len(content)), 0, -1):
        if blocks[:size] == content[-size:]:  # paragraphs repeated after the break
            report.decide("decision.repeated_dropped", row.number, count=size)
            blocks = blocks[size:]
            break
    if not blocks:
        return blocks
    first, last = blocks[0], content[-1]
    if first.items and last.items:
        items = first.items
        for size in range(min(len(items), len(last.items)), 0, -1):
            if items[:size] == last.items[-size:]:
                report.decide("decision.repeated_dropped", row.number, count=size)
                items = items[size:]
                break
        _say(report, decision, row)
        content[-1] = Block(items=last.items + items)
        return blocks[1:]
    ended = (last.items[-1] if last.items else last.text).endswith((":", ".", ";"))
    if first.text and STARTS_LOWER.match(first.text) and not ended:  # a sentence cut in two
        _say(report, decision, row)
        if not last.items:
            content[-1] = Block(text=f"{last.text} {first.text}")
            return blocks[1:]
        joined = (*last.items[:-1], f"{last.items[-1]} {first.text}")
        if len(blocks) > 1 and blocks[1].items:  # the list goes on after the cut sentence
            joined, blocks = (*joined, *blocks[1].items), blocks[1:]
        content[-1] = Block(items=joined)
        return blocks[1:]
    return blocks


@dataclass
class _Run:
    """One evaluation modality being read: its code (E1) or the codes it names first."""

    code: str | None
    named: set[str] | None
    blocks: list[Block]
    reopened: bool = False


def _runs(blocks: list[Block]) -> list[_Run]:
    runs: list[_Run] = []
    current: _Run | None = None  # the run the next paragraphs belong to
    for block in _split_at_codes(blocks):
        coded = EVALUATION_CODE.match(block.text)
        referenced = REFERENCED.match(block.text)
        if coded:
            current = _Run(coded.group(1), None, [Block(text=coded.group(2))])
            runs.append(current)
        elif referenced:
            current = next((r for r in runs if r.blocks[0] == block), None)
            if current is not None:  # the same modality written again after a page break
                current.reopened = True
            else:
                current = _Run(None, set(CODE_IN.findall(referenced.group(1))), [block])
                runs.append(current)
        elif current is None:
            current = _Run(None, None, [block])
            runs.append(current)
        elif not (current.reopened and _already_in(block, current.blocks)):
            current.blocks.append(block)
    return runs


def _already_in(block: Block, blocks: list[Block]) -> bool:
    """Whether a repeated modality's paragraph is already read, however it was cut."""
    if block in blocks:
        return True
    return bool(block.text) and block.text in " ".join(b.text for b in blocks if b.text)


def evaluations_of(
    modalities: list[Block], codes: list[str], evaluations: list[Evaluation]
) -> dict[str, list[str]]:
    """The bloc's modalities as evaluations (one for the bloc, one per code E1, E2 …, or
    one per modality naming its competencies "Jeu de rôle (C1)"), and the ids assessing
    each competency of the bloc: those naming it, else the bloc's unnamed one."""
    links: dict[str, list[str]] = {code: [] for code in codes}
    for run in _runs(modalities):
        eval_id = run.code.lower() if run.code else f"eval-{len(evaluations) + 1}"
        blocks = run.blocks
        content: list[str | list[str]] = [list(b.items) if b.items else b.text for b in blocks]
        evaluations.append(Evaluation(id=eval_id, code=run.code, content=content))
        named = run.named
        if named is None and run.code:
            named = set(REFERENCE.findall(" ".join(b.text or " ".join(b.items) for b in blocks)))
        for competency in codes:
            if competency in (named or set()) or (named is None and not run.code):
                links[competency].append(eval_id)
    return links


def _split_at_codes(blocks: list[Block]) -> list[Block]:
    """Paragraphs cut where an evaluation code starts inside them ("… (C2.1.5) E3 Mise …")."""
    out: list[Block] = []
    for block in blocks:
        if block.items:
            out.append(block)
            continue
        out.extend(Block(text=part) for part in INNER_EVALUATION.split(block.text) if part)
    return out


def _say(report: ImportReport, key: str | None, row: Row) -> None:
    if key is not None:
        report.decide(key, row.number)
