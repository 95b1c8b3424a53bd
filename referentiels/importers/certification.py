"""The certification shape: activités / compétences / évaluation tables.

An RNCP or CQP référentiel is a table whose columns are the activities, the
competencies (``C1.1 …``), the evaluation modalities and the criteria, cut into blocs
(``Bloc de compétences 1 : …``). The export breaks it: a cell continues in the next
row after a page break (sometimes repeating the list items before the break), a row
loses an empty cell and its text slides into the column before, a merged criteria
cell covers several competencies. Rows are therefore read by what their cells say
(a bloc, an activity or a competency code) and the columns only for the rest; each
such repair is a decision in the review report. A diploma's table (a bac pro's
savoir-faire / conditions de réalisation / critères d'évaluation) numbers its
competencies without a C ("1.11", "111."), heads them "C1 - animer" and gives each
row its own conditions: each such cell is then the evaluation of its row.
"""

from __future__ import annotations

import re

from referentiels.importers import uncoded
from referentiels.importers.cells import Block, Row, cell_text, paragraphs, structure
from referentiels.importers.drafts import (
    DraftActivity,
    DraftBloc,
    DraftCompetency,
    DraftCriterion,
    ReadState,
)
from referentiels.importers.modalities import (
    EVALUATION_CODE,
    REFERENCED,
    STARTS_LOWER,
    evaluations_of,
    join_continuation,
)
from referentiels.importers.report import ImportReport, Note, UnreadableSource
from referentiels.models import Competency, Criterion, Evaluation, Group, Referentiel
from referentiels.palier_scale import PALIER_PROGRESSION_SCALE

BLOC = re.compile(r"^((Bloc(?: de compétences)?|Activit[ée])\s*\d+)\s*:\s*(.+)$", re.IGNORECASE)
# Codes at the start of a cell or after a space: "C1.1.2 Analyser …", "CR1.1.1 Les …".
COMPETENCY_CODE = re.compile(r"(?:^|(?<=\s))(C\d+(?:\.\d+)+\.?|C\d+\.)\s")
CRITERION_CODE = re.compile(r"(?:^|(?<=\s))CR(\d+(?:\.\d+)+)\s")
FOR_CODE = re.compile(r"^Pour (C\d+(?:\.\d+)*)\s*:\s*(.*)$")
VALIDATION = re.compile(r"^conditions de validation", re.IGNORECASE)
HEADER = re.compile(r"^(?:r[ée]f[ée]rentiel d|modalit[ée]s d)", re.IGNORECASE)
ACTIVITY = re.compile(r"^(A?\d+(?:\.\d+)+)\s+(?:[-–]\s+)?(.+)$")
# A heading the table gives its competencies in one column: "C1 - animer",
# "Compétence : C1 - Prospecter" (a bac pro's competencies, each a group of coded ones).
DASHED_HEADING = re.compile(r"^(?:comp[ée]tence\s*:\s*)?(C\d+)\s+[-–]\s+(.+)$", re.IGNORECASE)
# A competency numbered without a C: "1.11 Mettre en place …", "111. Exploiter …".
NUMBERED_COMPETENCY = re.compile(r"^(\d+(?:\.\d+)+|\d+\.)\s+(?:[-–]\s+)?(.+)$")
COMPETENCY = re.compile(r"^(C\d+(?:\.\d+)+\.?|C\d+\.)\s+(.+)$")
MODALITIES = re.compile(r"^modalit", re.IGNORECASE)
CRITERIA = re.compile(r"^crit[èe]res", re.IGNORECASE)


def read_certification(rows: list[Row], referentiel_id: str, report: ImportReport) -> Referentiel:
    header = next((r for r in rows if any(MODALITIES.match(cell_text(c)) for c in r.cells)), None)
    if header is None:
        raise UnreadableSource([Note("problem.no_certification_header", 1)])
    texts = [cell_text(c) for c in header.cells]
    modality_col = next(i for i, t in enumerate(texts) if MODALITIES.match(t))
    criteria_col = next((i for i, t in enumerate(texts) if CRITERIA.match(t)), modality_col + 1)
    state = ReadState(report)
    if _conditions_per_row(rows, header.number, modality_col, criteria_col - 2):
        state.runs, state.per_row = [], True  # each modality cell: its row's evaluation
    for row in rows:
        if row.number <= header.number or row.blank or row.page_break:
            continue
        _read_row(row, state, modality_col, criteria_col)
    if not any(a.competencies for b in state.blocs for a in b.activities):
        raise UnreadableSource([Note("problem.no_competencies", header.number)])
    return _build(state, referentiel_id)


def _conditions_per_row(rows: list[Row], after: int, modality_col: int, column: int) -> bool:
    """Whether every modality cell states how the competencies beside it are assessed
    (a bac pro's "conditions de réalisation", row by row): none is coded (E1), names
    its competencies "(C1)", opens in bold or carries on under the next competency,
    and at least two stand beside competencies. A cell in a row that states none
    continues the one before a page break."""
    beside = 0
    for row in rows:
        if row.number <= after or row.blank or row.page_break:
            continue
        blocks = structure(row.cell(modality_col))
        if not blocks:
            continue
        texts = [b.text or " ".join(b.items) for b in blocks]
        if blocks[0].strong or any(EVALUATION_CODE.match(t) or REFERENCED.match(t) for t in texts):
            return False
        if _codes_competency(row.cell(column)):
            if STARTS_LOWER.match(texts[0]):
                return False
            beside += 1
    return beside > 1


def _codes_competency(cell: str) -> bool:
    text = cell_text(cell)
    return bool(COMPETENCY.match(text) or NUMBERED_COMPETENCY.match(text))


def _read_row(row: Row, state: ReadState, modality_col: int, criteria_col: int) -> None:
    if state.validation is not None:
        state.validation.extend(t for t in (cell_text(c) for c in row.cells) if t)
        return
    if VALIDATION.match(cell_text(row.cell(0))):
        state.validation = []
        return
    if any(HEADER.match(cell_text(cell)) for cell in row.cells):
        state.report.decide("decision.header_repeated", row.number)
        return
    row = _realigned(row, state, criteria_col + 1)
    rest: list[tuple[int, str]] = []
    for index, cell in enumerate(row.cells):
        text = cell_text(cell)
        if not text:
            continue
        if (match := BLOC.match(text)) and _within_bloc(state, match):
            heading = structure(cell)
            code, title = match.group(1), BLOC.sub(r"\3", heading[0].text)
            _bloc(state, row).activities.append(DraftActivity(code, title, heading[1:]))
        elif match:
            state.blocs.append(_heading(cell, match))
        elif index == 0 and (match := DASHED_HEADING.match(text)) and _alone(row):
            state.blocs.append(DraftBloc(match.group(1), match.group(2)))
        elif index == criteria_col - 2 and NUMBERED_COMPETENCY.match(text):
            _read_numbered(row, cell, state)
        elif match := ACTIVITY.match(text):
            _bloc(state, row).activities.append(DraftActivity(match.group(1), match.group(2)))
        elif index == 0 and (numbered := _numbered(cell)) is not None:
            _bloc(state, row).activities.append(numbered)
        elif index == 0 and _states_competency(row, criteria_col - 2):
            _bloc(state, row).activities.append(DraftActivity("", text))
        elif match := COMPETENCY.match(text):
            if index != criteria_col - 2:
                state.report.decide("decision.shifted_competency", row.number, code=match.group(1))
            _read_competencies(row, text, state)
        elif index == criteria_col - 2 and _uncoded(state, text):
            uncoded.read_competencies(row, structure(cell), state, _activity(state, row))
        else:
            rest.append((index, cell))
    _read_rest(row, rest, state, modality_col, criteria_col)
    if state.runs is not None:
        uncoded.link_row(row, state)


def _read_rest(
    row: Row, rest: list[tuple[int, str]], state: ReadState, modality_col: int, criteria_col: int
) -> None:
    """The cells of a row that are not headings or competencies: criteria, modalities,
    and the ends of cells a page break cut."""
    width = criteria_col + 1
    texts = [cell_text(cell) for cell in row.cells]
    for index, cell in rest:
        short = len(row.cells) < width and index == len(row.cells) - 1
        if index == modality_col and _repeated(texts, index):
            state.report.decide("decision.duplicate_dropped", row.number)
        elif index == criteria_col or short:
            if short:
                state.report.decide("decision.shifted_criteria", row.number)
            if CRITERION_CODE.search(texts[index]):
                _read_coded_criteria(row, texts[index], state)
            else:
                _read_criteria(row, structure(cell), state)
        elif index == modality_col:
            blocks = structure(cell)
            beside = _codes_competency(row.cell(criteria_col - 2))
            if state.per_row and state.runs and not beside and _plain(blocks):
                # conditions read row by row, cut by a page break: the end of the last
                state.report.decide("decision.continuation_joined", row.number)
                state.runs[-1].extend(blocks)
            elif state.runs is not None or (uncoded.starts_in_bold(blocks) and _no_modality(state)):
                uncoded.read_modalities(row, blocks, state)
            else:
                _read_modalities(row, blocks, state)
        elif index == criteria_col - 2 and state.competency and STARTS_LOWER.match(texts[index]):
            state.report.decide("decision.continuation_joined", row.number)
            state.competency.title = f"{state.competency.title} {texts[index]}"
        elif index == 0 and state.blocs and state.blocs[-1].activities:
            listed = state.blocs[-1].activities[-1].activities
            blocks = structure(cell)
            if listed:
                state.report.decide("decision.activities_continued", row.number)
                blocks = join_continuation(row, listed, blocks, state.report, None)
            listed.extend(blocks)
        else:
            state.report.decide("decision.unplaced", row.number)


def _plain(blocks: list[Block]) -> bool:
    """A modality cell that does not open in bold (a new modality of a cell-mode table)."""
    return bool(blocks) and not blocks[0].strong


def _realigned(row: Row, state: ReadState, width: int) -> Row:
    """A short row of a table without codes that starts with a competency, not an
    activity: the export dropped its empty activity cell, so its cells move right."""
    first = row.cell(0)
    if len(row.cells) >= width or not cell_text(first) or _numbered(first) is not None:
        return row
    if not _uncoded(state, cell_text(first)):
        return row
    state.report.decide("decision.shifted_row", row.number)
    return Row(row.number, ("",) * (width - len(row.cells)) + row.cells)


def _numbered(cell: str) -> DraftActivity | None:
    """An activity numbered "1 - Construire …", with the activities it lists."""
    blocks = structure(cell)
    match = uncoded.NUMBERED_ACTIVITY.match(blocks[0].text) if blocks else None
    return DraftActivity(match.group(1), match.group(2), blocks[1:]) if match else None


def _uncoded(state: ReadState, text: str) -> bool:
    """A competency stated without a code, in a table that gives none."""
    has_activity = bool(state.blocs) and bool(state.blocs[-1].activities)
    return has_activity and not state.by_code and not STARTS_LOWER.match(text)


def _no_modality(state: ReadState) -> bool:
    return not any(bloc.modalities for bloc in state.blocs)


def _within_bloc(state: ReadState, match: re.Match[str]) -> bool:
    """An "Activité N :" heading inside a bloc is one of its activities; without blocs,
    it groups the coded activities (A1.1 …) below it."""
    return (
        not match.group(2).lower().startswith("bloc")
        and bool(state.blocs)
        and state.blocs[-1].kind == "bloc"
    )


def _heading(cell: str, match: re.Match[str]) -> DraftBloc:
    """A bloc, or an activity heading grouping coded activities; its italic text, if
    any, is its description."""
    kind = "bloc" if match.group(2).lower().startswith("bloc") else "activity"
    head, italic, rest = cell.partition("<i>")
    if not italic:
        return DraftBloc(match.group(1), match.group(3), kind)
    title = BLOC.sub(r"\3", cell_text(head))
    return DraftBloc(match.group(1), title, kind, cell_text(rest))


def _read_competencies(row: Row, text: str, state: ReadState) -> None:
    """One competency, or several the export put in one cell (each after its code)."""
    starts = [m.start() for m in COMPETENCY_CODE.finditer(text)]
    pieces = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    if len(pieces) > 1:
        codes = ", ".join(p.split(" ", 1)[0] for p in pieces)
        state.report.decide("decision.several_in_one_cell", row.number, codes=codes)
    for piece in pieces:
        code, _, title = piece.partition(" ")
        code = code.rstrip(".")
        state.competency = DraftCompetency(code, title.strip(), row.number)
        state.by_code[code] = state.competency
        state.named = None  # a list opening its criteria cell may still continue "loose"
        _activity(state, row).competencies.append(state.competency)


def _alone(row: Row) -> bool:
    """Whether a row holds nothing but its first cell: a heading across the table."""
    return not any(cell_text(cell) for cell in row.cells[1:])


def _states_competency(row: Row, column: int) -> bool:
    """Whether the row's competency cell opens with a code: its first cell, uncoded,
    is then the activity those competencies belong to."""
    first = structure(row.cell(0))
    if not first or not first[0].text or STARTS_LOWER.match(first[0].text):
        return False  # a list or a sentence continuing the activity before a page break
    return _codes_competency(row.cell(column))


def _read_numbered(row: Row, cell: str, state: ReadState) -> None:
    """Competencies numbered without a C ("1.11 …", "111. …"): each paragraph opening
    with a number starts one, the paragraphs after it (what it lists) go with it."""
    made: list[DraftCompetency] = []
    for text in paragraphs(cell):
        match = NUMBERED_COMPETENCY.match(text)
        if match or not made:
            code = match.group(1).rstrip(".") if match else None
            title = match.group(2) if match else text
            made.append(DraftCompetency(code, title, row.number))
        else:
            made[-1].title = f"{made[-1].title} {text}"
    if len(made) > 1:
        codes = ", ".join(c.id for c in made)
        state.report.decide("decision.several_in_one_cell", row.number, codes=codes)
    for competency in made:
        state.by_code[competency.id] = competency
        _activity(state, row).competencies.append(competency)
    state.competency, state.named, state.criterion = made[-1], None, None


def _bloc(state: ReadState, row: Row) -> DraftBloc:
    if not state.blocs:
        state.report.decide("decision.no_bloc", row.number)
        state.blocs.append(DraftBloc("", ""))
    return state.blocs[-1]


def _activity(state: ReadState, row: Row) -> DraftActivity:
    bloc = _bloc(state, row)
    if not bloc.activities:
        state.report.decide("decision.no_activity", row.number)
        bloc.activities.append(DraftActivity("", ""))
    return bloc.activities[-1]


def _repeated(texts: list[str], index: int) -> bool:
    """Whether the cell at ``index`` only repeats (part of) another cell of its row."""
    return any(texts[index] in other for i, other in enumerate(texts) if i != index and other)


def _read_coded_criteria(row: Row, text: str, state: ReadState) -> None:
    """Criteria written after their codes (CR1.1.1 for C1.1.1), several in a cell."""
    starts = [m.start() for m in CRITERION_CODE.finditer(text)]
    lead = text[: starts[0]].strip()
    if lead and state.criterion is not None:  # the end of the criterion before a page break
        state.report.decide("decision.criteria_continued", row.number)
        state.criterion.text = f"{state.criterion.text} {lead}"
    elif lead:
        state.report.decide("decision.unplaced", row.number)
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        code, _, body = text[start:end].strip().partition(" ")
        competency = state.by_code.get("C" + code[2:])
        if competency is None:
            state.report.decide("decision.unplaced_criterion", row.number, code=code)
            continue
        state.criterion = DraftCriterion(body.strip(), code)
        competency.criteria.append(state.criterion)


def _read_criteria(row: Row, blocks: list[Block], state: ReadState) -> None:
    """Criteria in paragraphs and lists; "Pour C4 :" names the competency, and a list
    under a bare "Pour C4 :" is one criterion per item."""
    if _lists_beside(row, blocks, state):
        return
    for number, block in enumerate(blocks):
        target = state.named or state.competency
        if block.items:
            if number == 0:
                state.report.decide("decision.criteria_continued", row.number)
            if state.criterion is not None:
                state.criterion.items.extend(block.items)
            elif state.loose is not None:
                state.loose.criteria.extend(DraftCriterion(item) for item in block.items)
            else:
                state.report.decide("decision.unplaced", row.number)
        elif (named := FOR_CODE.match(block.text)) and named.group(1) in state.by_code:
            state.named = state.by_code[named.group(1)]
            state.criterion, state.loose = None, state.named
            if named.group(2):
                _new_criterion(state, state.named, named.group(2))
        elif number == 0 and STARTS_LOWER.match(block.text) and _last_criterion(state):
            state.report.decide("decision.criteria_continued", row.number)
            _continue_criterion(_last_criterion(state), block.text)
        elif target is None:
            state.report.decide("decision.unplaced", row.number)
        else:
            _new_criterion(state, target, block.text)


def _lists_beside(row: Row, blocks: list[Block], state: ReadState) -> bool:
    """Lists alone beside as many competencies stated in this row: one criterion per
    item, the first list for the first competency and so on."""
    fresh = [
        competency
        for bloc in state.blocs
        for activity in bloc.activities
        for competency in activity.competencies
        if competency.row == row.number and not competency.criteria
    ]
    if not fresh or not blocks or not all(b.items for b in blocks):
        return False
    if len(fresh) == 1:  # one competency: every item of every list is one of its criteria
        fresh[0].criteria.extend(DraftCriterion(i) for block in blocks for i in block.items)
        state.criterion, state.loose = None, fresh[0]
        return True
    if len(fresh) != len(blocks):
        return False
    state.report.decide("decision.lists_paired", row.number, count=len(fresh))
    for competency, block in zip(fresh, blocks, strict=True):
        competency.criteria.extend(DraftCriterion(item) for item in block.items)
    state.criterion = None
    return True


def _new_criterion(state: ReadState, competency: DraftCompetency, text: str) -> None:
    state.criterion, state.loose = DraftCriterion(text), None
    competency.criteria.append(state.criterion)


def _last_criterion(state: ReadState) -> DraftCriterion | None:
    competency = state.named or state.competency
    if state.criterion is not None:
        return state.criterion
    return competency.criteria[-1] if competency and competency.criteria else None


def _continue_criterion(criterion: DraftCriterion | None, text: str) -> None:
    """The end of a criterion a page break cut: joined to its last item, or its text."""
    if criterion is None:
        return
    if criterion.items:
        criterion.items[-1] = f"{criterion.items[-1]} {text}"
    else:
        criterion.text = f"{criterion.text} {text}"


def _read_modalities(row: Row, blocks: list[Block], state: ReadState) -> None:
    content = _bloc(state, row).modalities
    if content and blocks:
        blocks = join_continuation(row, content, blocks, state.report)
    content.extend(blocks)


def _build(state: ReadState, referentiel_id: str) -> Referentiel:
    groups: list[Group] = []
    evaluations = [
        Evaluation(id=f"eval-{n}", content=[list(b.items) if b.items else b.text for b in run])
        for n, run in enumerate(state.runs or [], 1)
    ]
    for bloc in state.blocs:
        codes = [c.id for a in bloc.activities for c in a.competencies]
        links = evaluations_of(bloc.modalities, codes, evaluations)
        activities = [_group(a, links, state.report) for a in bloc.activities]
        if bloc.code or bloc.title:
            description = [bloc.description] if bloc.description else []
            groups.append(
                Group(
                    kind="bloc" if bloc.kind == "bloc" else "activity",
                    code=bloc.code,
                    title=bloc.title,
                    description=description,
                    groups=activities,
                )
            )
            state.report.counts.append((f"{bloc.code} : {bloc.title}", _count(activities)))
        else:
            groups.extend(activities)
            state.report.counts.extend((f"{a.code} {a.title}", _count([a])) for a in activities)
    return Referentiel(
        id=referentiel_id,
        title=referentiel_id,
        kind="certification",
        scale=PALIER_PROGRESSION_SCALE,
        groups=groups,
        evaluations=evaluations,
        validation=state.validation or [],
    )


def _count(groups: list[Group]) -> int:
    return sum(len(g.competencies) for g in groups)


def _group(activity: DraftActivity, links: dict[str, list[str]], report: ImportReport) -> Group:
    competencies = []
    previous: list[DraftCriterion] = []
    for competency in activity.competencies:
        criteria = competency.criteria
        if not criteria and previous:  # a merged cell: the criteria of the one above
            report.decide("decision.merged_copied", competency.row, code=competency.id)
            criteria = previous
        previous = criteria
        competencies.append(
            Competency(
                id=competency.id,
                code=competency.code,
                knowledge=competency.knowledge,
                title=competency.title,
                evaluations=links.get(competency.id, [])
                or [f"eval-{i + 1}" for i in competency.runs],
                criteria=[Criterion(code=c.code, text=c.text, items=c.items) for c in criteria],
            )
        )
    listed = [item for block in activity.activities for item in (block.items or [block.text])]
    return Group(
        kind="activity",
        code=activity.code or None,
        title=activity.title,
        activities=listed,
        competencies=competencies,
    )
