"""The check-in and evidence forms and the one-paragraph notice as neutral views: what a
person is asked, in the référentiel's own words, and what each form carries back."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.domain.access import readers_of
from bot.domain.checkin import CheckinForm, CheckinItem, Refusal, next_level_of
from bot.domain.evidence import criterion_choices
from bot.domain.submissions import MAX_TEXT
from bot.i18n import Translator
from bot.i18n.referentiel_text import level_description
from bot.i18n.rich import literal
from bot.views import actions
from bot.views.cards import (
    ChoiceField,
    ChoiceStyle,
    Divider,
    Field,
    Form,
    Note,
    Paragraph,
    TextField,
    field_id,
)
from bot.views.checkin import CHOICE_TEXT, checkin_form, option_descriptions, refusal
from bot.views.evidence import EvidenceDraft, EvidenceState, evidence_form
from bot.views.notice import notice_card
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

CATALOG = ReferentielCatalog.load(None)
CLOSES = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)

READERS = readers_of(None, indirect=False)  # who sees the evidence: the usual case


def _referentiel(referentiel_id: str) -> Referentiel:
    referentiel = CATALOG.get(referentiel_id)
    assert referentiel is not None
    return referentiel


def _checkin(referentiel: Referentiel, count: int, rank: int | None) -> CheckinForm:
    items = []
    for groups, competency in list(referentiel.iter_competencies())[:count]:
        current = referentiel.scale.levels[rank] if rank is not None else None
        upcoming = next_level_of(referentiel, current)
        descriptor = competency.levels.get(upcoming.id) if upcoming else None
        items.append(CheckinItem(competency, groups, current, upcoming, descriptor))
    return CheckinForm(7, "2026-W48", CLOSES, referentiel, items)


def _fields(form: Form) -> dict[str, Field]:
    return {field_id(field): field for field in form.fields()}


def _text(form: Form) -> str:
    """Everything the form says outside its fields."""
    lines: list[str] = []
    for block in form.blocks:
        if isinstance(block, Paragraph):
            lines.extend(line.plain() for line in block.lines)
        elif isinstance(block, Note):
            lines.extend(part.plain() for part in (block.text, *block.more))
    return "\n".join(lines)


def test_the_checkin_asks_a_level_per_competency_by_the_scales_names_then_an_optional_topic() -> (
    None
):
    referentiel = _referentiel("account-executive")
    form = checkin_form(_checkin(referentiel, 3, 0), '{"prompt_id": 7}', Translator("en"))
    assert form.name == actions.CHECKIN_FORM and form.state == '{"prompt_id": 7}'
    assert form.title.plain() == "Check-in week 48" and form.submit is not None
    fields = _fields(form)
    competencies = referentiel.all_competencies()[:3]
    assert list(fields) == [
        *(
            f"{name}:{c.id}"
            for c in competencies
            for name in (actions.CHECKIN_LEVEL, actions.CHECKIN_EVIDENCE, actions.CHECKIN_LINK)
        ),
        actions.CHECKIN_TOPIC,
    ]
    junior = referentiel.scale.levels[0]
    for competency in competencies:
        level = fields[f"{actions.CHECKIN_LEVEL}:{competency.id}"]
        assert isinstance(level, ChoiceField) and level.style is ChoiceStyle.LIST
        assert not level.optional  # the one thing a check-in must say
        assert [c.label.plain() for c in level.choices] == [
            lv.label for lv in referentiel.scale.levels
        ]
        assert level.initial == (junior.id,)  # where the person stands today
        assert fields[f"{actions.CHECKIN_EVIDENCE}:{competency.id}"].optional
        assert fields[f"{actions.CHECKIN_LINK}:{competency.id}"].optional
    topic = fields[actions.CHECKIN_TOPIC]
    assert isinstance(topic, TextField) and topic.optional and topic.max_length == MAX_TEXT
    assert isinstance(form.blocks[-2], Divider)


def test_the_checkin_quotes_what_the_next_level_asks_and_says_when_there_is_none() -> None:
    referentiel = _referentiel("account-executive")
    t = Translator("fr")
    below = _checkin(referentiel, 2, 0)
    text = _text(checkin_form(below, "{}", t))
    for item in below.items:
        assert item.competency.label in text
        assert item.next_descriptor is not None
        for aspect in item.next_descriptor.aspects:
            assert aspect.text in text
    assert f"Pour atteindre « {referentiel.scale.levels[1].label} »" in text
    assert "Niveau actuel : " + referentiel.scale.levels[0].label in text
    top = _text(checkin_form(_checkin(referentiel, 1, len(referentiel.scale.levels) - 1), "{}", t))
    assert "plus haut niveau" in top and "Pour atteindre" not in top
    unrated = _text(checkin_form(_checkin(referentiel, 1, None), "{}", t))
    assert "Compétence pas encore évaluée" in unrated


def test_a_certification_quotes_its_criteria_and_never_aims_at_non_acquis() -> None:
    referentiel = _referentiel("manager-equipe-vendeurs-b2b")
    form = _checkin(referentiel, 2, None)
    text = _text(checkin_form(form, "{}", Translator("fr")))
    assert "Pour atteindre" not in text and "Critères d'évaluation" in text
    for item in form.items:
        for criterion in item.competency.criteria:
            assert criterion.text in text
    # The bloc and activity the competency belongs to, codes first.
    outer = form.items[0].groups[0]
    assert f"{outer.code} : {outer.title}" in text


def test_a_level_description_is_never_cut_to_fit_a_choice() -> None:
    t = Translator("fr")
    for referentiel_id in CATALOG.ids():
        referentiel = _referentiel(referentiel_id)
        descriptions = option_descriptions(referentiel, t)
        for level in referentiel.scale.levels:
            described = descriptions[level.id]
            if described is None:
                continue
            assert len(described) <= CHOICE_TEXT
            headings = {
                c.levels[level.id].heading
                for c in referentiel.all_competencies()
                if level.id in c.levels
            }
            assert described == level_description(referentiel, level, t) or described in headings


def test_each_refusal_of_the_checkin_has_its_own_words_in_both_languages() -> None:
    for locale in ("fr", "en"):
        t = Translator(locale)
        worded = {refusal(code.value, t).plain() for code in Refusal}
        assert len(worded) == len(Refusal) and all(worded)


def test_the_evidence_form_groups_competencies_and_offers_criteria_once_one_is_chosen() -> None:
    referentiel = _referentiel("manager-equipe-vendeurs-b2b")
    t = Translator("en")
    fresh = _fields(evidence_form(referentiel, t, readers=READERS))
    competency = fresh[actions.EVIDENCE_COMPETENCY]
    assert isinstance(competency, ChoiceField)
    assert competency.refresh and competency.style is ChoiceStyle.MENU and not competency.optional
    assert len(competency.groups) > 1 and not competency.choices
    assert [c.value for c in competency.all_choices()] == [
        c.id for c in referentiel.all_competencies()
    ]
    assert all(len(c.label.plain()) <= CHOICE_TEXT for c in competency.all_choices())
    assert actions.EVIDENCE_CRITERION not in fresh
    chosen = referentiel.all_competencies()[0]
    key = criterion_choices(chosen)[0].key
    draft = EvidenceDraft(chosen.id, key, "x" * (MAX_TEXT + 10), "https://crm.example/1")
    filled = _fields(evidence_form(referentiel, t, draft, readers=READERS))
    criterion = filled[actions.EVIDENCE_CRITERION]
    assert isinstance(criterion, ChoiceField) and criterion.optional
    assert criterion.initial == (key,)
    assert filled[actions.EVIDENCE_COMPETENCY].initial == (chosen.id,)  # type: ignore[union-attr]
    text = filled[actions.EVIDENCE_TEXT]
    assert isinstance(text, TextField) and not text.optional
    assert text.initial == "x" * MAX_TEXT  # what could never be saved is not offered
    assert filled[actions.EVIDENCE_LINK].initial == "https://crm.example/1"  # type: ignore[union-attr]


def test_a_matrix_of_one_group_is_not_grouped() -> None:
    referentiel = _referentiel("account-executive")
    field = _fields(evidence_form(referentiel, Translator("fr"), readers=READERS))[
        actions.EVIDENCE_COMPETENCY
    ]
    assert isinstance(field, ChoiceField)
    assert bool(field.groups) == (len({p[:1] for p, _ in referentiel.iter_competencies()}) > 1)


def test_the_evidence_form_carries_back_what_it_edits_and_where_it_came_from() -> None:
    referentiel = _referentiel("account-executive")
    t = Translator("en")
    permalink = "https://acme.slack.com/archives/C1/p1"
    form = evidence_form(referentiel, t, state=EvidenceState(permalink, 42), readers=READERS)
    assert json.loads(form.state) == {"permalink": permalink, "evidence_id": 42}
    assert EvidenceState.load(form.state) == EvidenceState(permalink, 42)
    assert permalink in _text(form)
    plain = evidence_form(referentiel, t, readers=READERS)
    assert json.loads(plain.state) == {"permalink": None, "evidence_id": None}
    assert "https://" not in _text(plain)
    for broken in ("", "{", "[]", '{"evidence_id": "x"}'):
        assert EvidenceState.load(broken) == EvidenceState()


def test_a_notice_says_the_same_in_its_notification_and_its_paragraph() -> None:
    text = literal("Ce check-in est déjà fait.")
    card = notice_card(text)
    assert card.fallback == text
    assert card.blocks == (Paragraph((text,)),)
