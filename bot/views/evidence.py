"""Evidence, any day: the form to log it (or edit it), and what a person is told once it is
saved (only they see it).

Competencies are offered grouped by bloc or activity, in a menu a person can search;
once one is chosen the form is built again with its evaluation criteria (or its
levels' aspects). A long certification name is shortened at a word in a choice and
quoted whole elsewhere. The form carries back which evidence it edits and the message
it was logged from (:class:`EvidenceState`). The day the evidence happened is a date
field, today (the person's) unless they change it; the link is a web address field
(Slack's ``url_text_input``, Teams' ``Url`` style), normalised and checked by the domain
(:mod:`bot.domain.links`). Editing, the form says so in its title and its button.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.access import Reader
from bot.domain.evidence import EvidenceInput, criterion_choices
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator, formats
from bot.i18n.rich import Plain, Rich, literal
from bot.views import actions
from bot.views.audience import readers_text
from bot.views.cards import (
    Actions,
    Block,
    Button,
    Card,
    Choice,
    ChoiceField,
    ChoiceGroup,
    ChoiceStyle,
    DateField,
    Field,
    Form,
    Note,
    Paragraph,
    TextField,
)
from bot.views.checkin import CHOICE_TEXT
from bot.views.prompt import short_name
from referentiels.models import Competency, Referentiel


@dataclass(frozen=True)
class EvidenceState:
    """What the evidence form carries back: where it came from, and what it edits."""

    permalink: str | None = None  # the message logged as evidence
    evidence_id: int | None = None  # editing existing evidence

    def dump(self) -> str:
        return json.dumps({"permalink": self.permalink, "evidence_id": self.evidence_id})

    @classmethod
    def load(cls, text: str) -> EvidenceState:
        try:
            data = json.loads(text) if text else {}
            evidence_id = data.get("evidence_id")
            return cls(data.get("permalink"), int(evidence_id) if evidence_id else None)
        except (ValueError, TypeError, AttributeError):
            return cls()


@dataclass(frozen=True)
class EvidenceDraft:
    """What the form shows filled in (a message's text, an edit, a refresh)."""

    competency_id: str | None = None
    criterion_key: str | None = None
    text: str | None = None
    link: str | None = None
    happened_on: date | None = None

    def as_input(self) -> EvidenceInput:
        """What the domain is given to save."""
        return EvidenceInput(
            competency_id=self.competency_id,
            criterion_key=self.criterion_key,
            text=self.text,
            link=self.link,
            happened_on=self.happened_on,
        )


def read_date(value: object) -> date | None:
    """A date field's answer (``YYYY-MM-DD``, as Slack and Teams send it); None when empty
    or not a date."""
    try:
        return date.fromisoformat(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _choice(label: str, value: str) -> Choice:
    # Shortened at a word, with room for its "…".
    return Choice(value, Rich("{label}", {"label": Plain(short_name(label, CHOICE_TEXT - 1))}))


def competency_field(referentiel: Referentiel, t: Translator, selected: str | None) -> ChoiceField:
    """All competencies, grouped by their outermost bloc or activity (a référentiel of one
    group: not grouped)."""
    groups: dict[str, list[Choice]] = {}
    for path, competency in referentiel.iter_competencies():
        outer = path[0] if path else None
        title = (
            (f"{outer.code} : {outer.title}" if outer.code else outer.title)
            if outer is not None
            else referentiel.title
        )
        groups.setdefault(title, []).append(_choice(competency.label, competency.id))
    grouped = len(groups) > 1
    return ChoiceField(
        actions.EVIDENCE_COMPETENCY,
        t.rich("evidence.competency"),
        choices=() if grouped else tuple(c for group in groups.values() for c in group),
        groups=tuple(
            ChoiceGroup(
                Rich("{title}", {"title": Plain(short_name(title, CHOICE_TEXT - 1))}),
                tuple(choices),
            )
            for title, choices in groups.items()
        )
        if grouped
        else (),
        style=ChoiceStyle.MENU,
        initial=(selected,) if selected else (),
        placeholder=t.rich("evidence.competency_placeholder"),
        refresh=True,
        refresh_label=t.rich("teams_evidence.show_criteria"),
    )


def criterion_field(
    competency: Competency, t: Translator, selected: str | None
) -> ChoiceField | None:
    """The competency's criteria (or aspects) to log against, when it has any."""
    choices = criterion_choices(competency)
    if not choices:
        return None
    # A criterion of another competency (the choice changed since) is not offered.
    offered = selected if selected in {choice.key for choice in choices} else None
    return ChoiceField(
        actions.EVIDENCE_CRITERION,
        t.rich("evidence.criterion"),
        tuple(_choice(choice.text, choice.key) for choice in choices),
        style=ChoiceStyle.MENU,
        optional=True,
        initial=(offered,) if offered else (),
        placeholder=t.rich("evidence.criterion_placeholder"),
    )


def evidence_form(
    referentiel: Referentiel,
    t: Translator,
    draft: EvidenceDraft | None = None,
    state: EvidenceState | None = None,
    *,
    readers: Sequence[Reader],
    today: date | None = None,
) -> Form:
    """The evidence form, filled in with ``draft`` (a message's text, an edit); its intro
    says who will see the evidence (``readers``: :func:`bot.domain.access.readers_of`);
    its date is the draft's, else ``today`` (the person's)."""
    draft = draft or EvidenceDraft()
    state = state or EvidenceState()
    blocks: list[Block | Field] = [
        Paragraph((t.rich("evidence.intro", readers=readers_text(readers, t)),)),
        competency_field(referentiel, t, draft.competency_id),
    ]
    competency = referentiel.competency(draft.competency_id or "")
    criterion = criterion_field(competency, t, draft.criterion_key) if competency else None
    if criterion is not None:
        blocks.append(criterion)
    blocks.append(
        TextField(
            actions.EVIDENCE_TEXT,
            t.rich("evidence.text"),
            multiline=True,
            max_length=MAX_TEXT,
            initial=(draft.text or "")[:MAX_TEXT] or None,  # what could not be saved is left
        )
    )
    blocks.append(
        DateField(
            actions.EVIDENCE_DATE,
            t.rich("evidence_date.date"),
            initial=draft.happened_on or today,
            hint=t.rich("evidence_date.date_hint"),
        )
    )
    blocks.append(
        TextField(
            actions.EVIDENCE_LINK,
            t.rich("evidence.link"),
            optional=True,
            max_length=MAX_TEXT,
            placeholder=t.rich("evidence.link_placeholder"),
            initial=draft.link or None,
            url=True,
        )
    )
    if state.permalink:
        # The platform's own address of the message, shown as the platform gave it.
        permalink = literal(state.permalink)
        blocks.append(Note(t.rich("evidence.from_message", permalink=permalink)))
    editing = state.evidence_id is not None
    return Form(
        actions.EVIDENCE_FORM,
        title=t.rich("evidence_date.edit_title" if editing else "evidence.title"),
        close=t.rich("evidence.close"),
        submit=t.rich("evidence_date.edit_submit" if editing else "evidence.submit"),
        blocks=tuple(blocks),
        state=state.dump(),
    )


def saved_card(
    competency_saved: Competency, link: str | None, t: Translator, happened_on: date | None = None
) -> Card:
    """Which competency the evidence is for, the day it happened, the link given with it."""
    competency = Plain(formats.short_label(competency_saved))
    lines = [t.rich("evidence.saved", competency=competency)]
    if happened_on is not None:
        day = Plain(formats.long_day(happened_on, t))
        lines.append(t.rich("evidence_date.saved_date", date=day))
    if link:
        lines.append(t.rich("evidence.saved_link", link=Plain(link)))
    return Card(t.rich("evidence.saved", competency=competency), (Paragraph(tuple(lines)),))


# The fields the domain names in its problems (bot.domain.evidence.validate_evidence), as
# the form names them.
PROBLEM_FIELDS = {
    "competency": actions.EVIDENCE_COMPETENCY,
    "criterion": actions.EVIDENCE_CRITERION,
    "evidence_text": actions.EVIDENCE_TEXT,
    "evidence_link": actions.EVIDENCE_LINK,
    "evidence_date": actions.EVIDENCE_DATE,
}


def problem_field(field: str) -> str:
    """The form's field a problem is about (an unknown one: noted above the form)."""
    return PROBLEM_FIELDS.get(field, field)


def read_draft(values: Mapping[str, object]) -> EvidenceDraft:
    """What a submitted evidence form holds, by field id (an empty answer: none)."""

    def answer(field: str) -> str | None:
        value = values.get(field)
        return str(value) if value not in (None, "") else None

    return EvidenceDraft(
        competency_id=answer(actions.EVIDENCE_COMPETENCY),
        criterion_key=answer(actions.EVIDENCE_CRITERION),
        text=answer(actions.EVIDENCE_TEXT),
        link=answer(actions.EVIDENCE_LINK),
        happened_on=read_date(values.get(actions.EVIDENCE_DATE)),
    )


def log_card(t: Translator, readers: Sequence[Reader]) -> Card:
    """What ``log`` answers where a command cannot open the form itself: a button that does
    (and who will see the evidence, ``readers``)."""
    intro = t.rich("teams_evidence.log_intro", readers=readers_text(readers, t))
    button = Button(t.rich("teams_evidence.log_button"), actions.EVIDENCE_OPEN, "new", primary=True)
    return Card(intro, (Paragraph((intro,)), Actions(actions.EVIDENCE_OPEN, (button,))))
