"""Certification tables that number nothing: "1 - Activity", plain competencies, bold modalities.

Some référentiels (a school's activités / compétences / évaluation tables) give no
competency codes: an activity is "1 - Construire …" with the activities it lists, a
competency cell is its statement, then "Connaissances associées :" and a list (two
competencies can share a cell; a knowledge list can overflow into the next row's
cell), and each modality starts in bold in the cell beside the competencies it
assesses, a merged cell covering the rows below. Palier names such competencies
``a2.c3`` (the third of activity 2).
"""

from __future__ import annotations

import re

from referentiels.importers.cells import Block, Row
from referentiels.importers.drafts import DraftActivity, DraftCompetency, ReadState
from referentiels.importers.modalities import STARTS_LOWER

NUMBERED_ACTIVITY = re.compile(r"^(\d+)\s*[-–]\s*(.+)$")
KNOWLEDGE = re.compile(r"^connaissances associ[ée]es\s*:?$", re.IGNORECASE)
DASHED = re.compile(r"^[-•]\s*(.+)$")
SHORT_HEADING = 4  # words: a bold heading this short keeps the bold line after it


def read_competencies(
    row: Row, blocks: list[Block], state: ReadState, activity: DraftActivity
) -> None:
    """The competencies a cell states, with their knowledge; a dashed line before the
    first statement is knowledge overflowing from the competency before."""
    current: DraftCompetency | None = None
    in_knowledge = False
    made = []
    for block in blocks:
        dashed = DASHED.match(block.text) if block.text else None
        if block.text and KNOWLEDGE.match(block.text):
            in_knowledge = True
        elif block.items and in_knowledge and current is not None:
            current.knowledge.extend(block.items)
        elif (dashed or block.items) and current is None and state.competency is not None:
            # a dashed line (a spreadsheet's cell gives it as a list) before any statement
            state.report.decide("decision.knowledge_continued", row.number)
            state.competency.knowledge.extend([dashed.group(1)] if dashed else block.items)
        elif block.text:
            number = len(activity.competencies) + 1
            current = DraftCompetency(None, block.text, row.number, f"a{activity.code}.c{number}")
            activity.competencies.append(current)
            made.append(current.id)
            state.competency, state.named, in_knowledge = current, None, False
        else:
            state.report.decide("decision.unplaced", row.number)
    if len(made) > 1:
        state.report.decide("decision.several_in_one_cell", row.number, codes=", ".join(made))


def starts_in_bold(blocks: list[Block]) -> bool:
    return bool(blocks) and blocks[0].strong


def read_modalities(row: Row, blocks: list[Block], state: ReadState) -> None:
    """A modality cell: one modality per bold start, or the end of the one before."""
    runs = state.runs if state.runs is not None else []
    state.runs = runs
    if runs and blocks and blocks[0].text and STARTS_LOWER.match(blocks[0].text):
        state.report.decide("decision.continuation_joined", row.number)
        last = runs[-1][-1]
        runs[-1][-1] = Block(text=f"{last.text} {blocks[0].text}", strong=last.strong)
        runs[-1].extend(blocks[1:])
        return
    first = len(runs)
    for block in blocks:
        previous = runs[-1][-1] if len(runs) > first else None
        heading = previous is not None and previous.strong and _short(previous)
        if previous is None or (block.strong and not heading):
            runs.append([block])
        else:
            runs[-1].append(block)
    state.current_runs = list(range(first, len(runs)))


def _short(block: Block) -> bool:
    return len(block.text.split()) <= SHORT_HEADING


def link_row(row: Row, state: ReadState) -> None:
    """The competencies stated in this row are assessed by the modalities beside them,
    or, under a merged cell, by those of the last modality cell."""
    for bloc in state.blocs:
        for activity in bloc.activities:
            for competency in activity.competencies:
                if competency.row == row.number and not competency.runs:
                    competency.runs = list(state.current_runs)
