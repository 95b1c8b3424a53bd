"""The check-in form: rate each competency of the week against the référentiel's words.

For each competency: its name and group, the person's current level, one choice per
level of the scale, what the next level asks for (quoted from the référentiel: a
matrix cell, or a certification's evaluation criteria), optional evidence text and
link; at the end an optional topic for the next 1:1. Also how the check-in flow's
refusals are worded. The form's ``state`` (which prompt, which message it came from)
is the front end's: it gives it and reads it back on submit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.domain.checkin import CheckinForm, CheckinItem, Refusal
from bot.domain.submissions import MAX_TEXT, CheckinAnswer, CheckinSubmission
from bot.i18n import Translator, formats
from bot.i18n.referentiel_text import level_description, level_label
from bot.i18n.rich import Plain, Rich, Typed
from bot.views import actions, checkin_edit
from bot.views.cards import (
    Block,
    Card,
    Choice,
    ChoiceField,
    ChoiceStyle,
    Divider,
    Field,
    Form,
    Heading,
    Note,
    Paragraph,
    TextField,
)
from bot.views.referentiel import criteria_lines, descriptor_lines
from referentiels.models import Referentiel

# What a choice's text and description may hold on the front end that allows least
# (Slack: 75 characters). A level's description longer than that is not cut: the
# choices show the matrix's cell headings instead, and the scale line says it whole.
CHOICE_TEXT = 75

# The check-in flow's refusals (bot.domain.checkin.Refusal codes) as the catalog words them.
REFUSALS = {refusal.value: f"refusal.{refusal.value}" for refusal in Refusal} | {
    code.value: f"snooze_choices.refusal.{code.value}"
    for code in (Refusal.SNOOZE_UNKNOWN, Refusal.SNOOZE_PASSED)
}
REFUSALS[Refusal.EDIT_CLOSED.value] = "checkin_edit.closed"


def refusal(code: str | None, t: Translator, closed: tuple[datetime, str] | None = None) -> Rich:
    """Why not, in the person's words; an edit refused once its week closed says when
    (``closed``: the outcome's instant and zone, when it has them)."""
    if code == Refusal.EDIT_CLOSED.value:
        return checkin_edit.closed(closed, t)
    return t.rich(REFUSALS[code or ""])


def _quoted(text: str) -> Rich:
    return Rich("{text}", {"text": Plain(text)})


def _bold(text: str) -> Rich:
    return Rich("**{text}**", {"text": Plain(text)})


def option_descriptions(referentiel: Referentiel, t: Translator) -> dict[str, str | None]:
    """A short description per level for the choices, or none at all.

    When every level's own description fits a choice, it is shown whole; otherwise a
    matrix shows its cells' headings (« Niveau 1 »), and the full descriptions are in
    the scale line at the top of the form — a description is never cut.
    """
    levels = referentiel.scale.levels
    described = {level.id: level_description(referentiel, level, t) for level in levels}
    if all(d and len(d) <= CHOICE_TEXT for d in described.values()):
        return described
    headings: dict[str, str | None] = {}
    for level in levels:
        cells = [
            c.levels[level.id].heading
            for c in referentiel.all_competencies()
            if level.id in c.levels
        ]
        heading = cells[0] if cells and all(h == cells[0] for h in cells) else None
        headings[level.id] = heading if heading and len(heading) <= CHOICE_TEXT else None
    return headings


def scale_line(referentiel: Referentiel, t: Translator) -> Rich:
    """The scale once, with each level's description, so every choice is explained."""
    parts = []
    for level in referentiel.scale.levels:
        label = _bold(level_label(referentiel, level, t))
        description = level_description(referentiel, level, t)
        parts.append(
            t.rich("common.label_value", label=label, value=Plain(description))
            if description
            else label
        )
    return t.rich("modal.scale", levels=Rich.join(parts, " · "))


def what_next(item: CheckinItem, referentiel: Referentiel, t: Translator) -> list[Rich]:
    """What the next level asks for (or that there is none), then a certification's criteria."""
    lines: list[Rich]
    if item.next_level is None:
        lines = [t.rich("modal.top_level")]
    elif item.current is None and referentiel.scale.origin == "palier":
        lines = []  # « Non acquis » is where nobody aims: the criteria say it all
    else:
        label = Plain(level_label(referentiel, item.next_level, t))
        lines = [t.rich("modal.next_level", level=label)]
        if item.next_descriptor is not None:
            lines.extend(descriptor_lines(item.next_descriptor, t))
    if item.competency.criteria:  # a certification's criteria apply at every level
        lines.append(t.rich("modal.criteria"))
        lines.extend(criteria_lines(item.competency))
    return lines


def _where(item: CheckinItem, referentiel: Referentiel, t: Translator) -> Note:
    """The competency's bloc › activity, and the person's current level."""
    path = Rich.join(
        (
            Rich("{code} : {title}", {"code": Plain(g.code), "title": Plain(g.title)})
            if g.code
            else _quoted(g.title)
            for g in item.groups
        ),
        " › ",
    )
    if item.current is not None:
        level = t.rich("modal.current", level=Plain(level_label(referentiel, item.current, t)))
    else:
        level = t.rich("modal.unrated")
    return Note(path, more=(level,)) if path.plain() else Note(level)


def _item(
    item: CheckinItem,
    referentiel: Referentiel,
    descriptions: dict[str, str | None],
    t: Translator,
    filled: CheckinAnswer | None = None,
) -> list[Block | Field]:
    """One competency's fields; ``filled``: its answer as submitted (an edit)."""
    competency = item.competency
    level = filled.level_id if filled else (item.current.id if item.current else None)
    choices = tuple(
        Choice(
            level.id,
            _quoted(level_label(referentiel, level, t)),
            _quoted(description) if (description := descriptions.get(level.id)) else None,
        )
        for level in referentiel.scale.levels
    )
    blocks: list[Block | Field] = [
        Paragraph((_bold(competency.label),)),
        _where(item, referentiel, t),
    ]
    next_step = what_next(item, referentiel, t)
    if next_step:
        blocks.append(Paragraph(tuple(next_step)))
    blocks.extend(
        [
            ChoiceField(
                actions.CHECKIN_LEVEL,
                t.rich("modal.level"),
                choices,
                style=ChoiceStyle.LIST,
                key=competency.id,
                initial=(level,) if level is not None else (),
            ),
            TextField(
                actions.CHECKIN_EVIDENCE,
                t.rich("modal.evidence"),
                key=competency.id,
                optional=True,
                multiline=True,
                max_length=MAX_TEXT,
                placeholder=t.rich("modal.evidence_placeholder"),
                initial=filled.evidence_text if filled else None,
            ),
            TextField(
                actions.CHECKIN_LINK,
                t.rich("modal.link"),
                key=competency.id,
                optional=True,
                max_length=MAX_TEXT,
                placeholder=t.rich("modal.link_placeholder"),
                initial=filled.evidence_link if filled else None,
                url=True,
            ),
        ]
    )
    return blocks


def checkin_form(form: CheckinForm, state: str, t: Translator) -> Form:
    """The check-in of one prompt; ``state`` is carried back on submit."""
    referentiel = form.referentiel
    descriptions = option_descriptions(referentiel, t)
    intro = t.rich("modal.intro", referentiel=Plain(referentiel.title))
    if form.filled is not None:  # an edit: say that it replaces what was submitted
        intro = t.rich("checkin_edit.intro", week=Plain(formats.week(form.cycle_key, t)))
    blocks: list[Block | Field] = [Paragraph((intro,)), Paragraph((scale_line(referentiel, t),))]
    filled = {a.competency_id: a for a in form.filled.answers} if form.filled else {}
    for item in form.items:
        blocks.append(Divider())
        blocks.extend(_item(item, referentiel, descriptions, t, filled.get(item.competency.id)))
    if form.asks_topic:  # someone without a manager has nobody to raise it with
        blocks.append(Divider())
        blocks.append(
            TextField(
                actions.CHECKIN_TOPIC,
                t.rich("modal.topic"),
                optional=True,
                multiline=True,
                max_length=MAX_TEXT,
                placeholder=t.rich("modal.topic_placeholder"),
                initial=form.filled.topic if form.filled else None,
            )
        )
    return Form(
        actions.CHECKIN_FORM,
        title=t.rich("modal.title", week=Plain(formats.week(form.cycle_key, t))),
        close=t.rich("modal.close"),
        submit=t.rich("modal.submit"),
        blocks=tuple(blocks),
        state=state,
    )


# -- a check-in received but not stored --------------------------------------------------


def unstored_card(
    submission: CheckinSubmission, referentiel: Referentiel | None, reason: str, t: Translator
) -> Card:
    """A check-in acknowledged but that could not be stored after all (``reason``: a key
    under ``checkin_unstored.why``): why, and everything the person submitted, in their
    own words, so that nothing is lost."""
    lines: list[Rich] = []
    for answer in submission.answers:
        competency = referentiel.competency(answer.competency_id) if referentiel else None
        level = referentiel.scale.level(answer.level_id or "") if referentiel else None
        lines.append(
            t.rich(
                "checkin_unstored.answer",
                competency=Plain(competency.label if competency else answer.competency_id),
                level=Plain(
                    level_label(referentiel, level, t)
                    if referentiel and level
                    else answer.level_id or "—"
                ),
            )
        )
        if answer.evidence_text:
            lines.append(t.rich("checkin_unstored.evidence", text=Typed(answer.evidence_text)))
        if answer.evidence_link:
            lines.append(t.rich("checkin_unstored.link", link=Typed(answer.evidence_link)))
    if submission.topic:
        lines.append(t.rich("checkin_unstored.topic", topic=Typed(submission.topic)))
    title = t.rich("checkin_unstored.title")
    return Card(
        title,
        (
            Heading(title),
            Paragraph((t.rich(f"checkin_unstored.why.{reason}"), t.rich("checkin_unstored.yours"))),
            Paragraph(tuple(lines)),
        ),
    )


# -- reading the form back --------------------------------------------------------------

# The check-in flow's field names (bot.app.outcome.Problem.field) as the form's fields.
PROBLEM_FIELDS = {
    "level": actions.CHECKIN_LEVEL,
    "evidence_text": actions.CHECKIN_EVIDENCE,
    "evidence_link": actions.CHECKIN_LINK,
    "topic": actions.CHECKIN_TOPIC,
}


def problem_field(item: str | None, field: str) -> str:
    """The form's field a problem of the check-in flow is about (its :func:`field_id`)."""
    name = PROBLEM_FIELDS.get(field, actions.CHECKIN_LEVEL)
    return f"{name}:{item}" if item is not None and name != actions.CHECKIN_TOPIC else name


def read_submission(values: Mapping[str, object]) -> CheckinSubmission:
    """The filled-in form, its answers keyed by field id (``checkin.level:<competency>``
    …), as the check-in flow takes it; raises ``ValidationError`` when malformed."""
    answers: dict[str, dict[str, object]] = {}
    names = {
        actions.CHECKIN_LEVEL: "level_id",
        actions.CHECKIN_EVIDENCE: "evidence_text",
        actions.CHECKIN_LINK: "evidence_link",
    }
    topic = None
    for key, value in values.items():
        name, _, competency_id = key.partition(":")
        if name == actions.CHECKIN_TOPIC:
            topic = value or None
        elif name in names and competency_id:
            answer = answers.setdefault(competency_id, {"competency_id": competency_id})
            answer[names[name]] = value or None
    return CheckinSubmission.model_validate({"answers": list(answers.values()), "topic": topic})
