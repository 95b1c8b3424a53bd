"""The 1:1 brief and its answers as neutral views: what a manager (or the person) sees,
whatever the front end that shows it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.one_on_one_views import (
    Brief,
    EvidenceLine,
    NoteLine,
    PersonRef,
    Recorded,
    ScheduleInfo,
    TopicLine,
)
from bot.domain.submissions import MAX_TEXT
from bot.domain.talking_points import PointReason, TalkingPoint
from bot.i18n import Translator
from bot.i18n.rich import Mention, Param, Plain, Rich, Typed
from bot.settings import load_settings
from bot.views import actions
from bot.views.cards import Actions, Card, Heading, Note, Paragraph, TextField
from bot.views.one_on_one import EVIDENCE_SHOWN, DoneValue, brief_card
from bot.views.one_on_one_answers import (
    note_form,
    note_saved_form,
    recorded_card,
    schedule_set_card,
    schedule_stopped_card,
)
from referentiels.loader import ReferentielCatalog
from referentiels.models import Referentiel

CATALOG = ReferentielCatalog.load(load_settings(env_file=None).referentiels_dir)
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
ZONE = "Europe/Paris"
REPORT = PersonRef(42, "U0EMMA", "*Emma* <Boss>")


def _referentiel(referentiel_id: str) -> Referentiel:
    referentiel = CATALOG.get(referentiel_id)
    assert referentiel is not None
    return referentiel


def _brief(referentiel: Referentiel, **changes: object) -> Brief:
    brief = Brief(
        report=REPORT,
        referentiel=referentiel,
        own=False,
        can_act=True,
        generated_at=NOW,
        since=NOW - timedelta(days=14),
        last_one_on_one_at=None,
        last_one_on_one_id=7,
        checkins=[],
        changes=[],
        evidence=[],
        topics=[TopicLine(1, "Mon **objectif** _Q1_", NOW), TopicLine(2, "Salaire", NOW)],
        gaps=[],
        points=[],
        notes=[NoteLine(1, "Parler du <compte> & du reste", NOW)],
    )
    return replace(brief, **changes)  # type: ignore[arg-type]


def _lines(card: Card) -> list[str]:
    return [line.plain() for b in card.blocks if isinstance(b, Paragraph) for line in b.lines]


def _values(text: Rich) -> list[Param]:
    """Every value placed in ``text``, nested ones too."""
    found: list[Param] = []
    for param in text.params.values():
        found.extend(_values(param) if isinstance(param, Rich) else [param])
    return found


def _buttons(card: Card) -> list[Actions]:
    return [b for b in card.blocks if isinstance(b, Actions)]


def test_the_managers_brief_offers_1_1_done_confirmed_and_a_note_and_keeps_them_last() -> None:
    brief = _brief(_referentiel("account-executive"))
    card = brief_card(brief, ZONE, Translator("en"))
    [row] = _buttons(card)
    done, note = row.buttons
    assert (done.action, note.action) == (actions.ONE_ON_ONE_DONE, actions.ONE_ON_ONE_NOTE)
    assert done.label.plain() == "1:1 done" and done.primary and note.label.plain() == "Add a note"
    assert done.confirm is not None and "2 open topics" in done.confirm.text.plain()
    assert DoneValue.load(done.value) == DoneValue(42, NOW, 7)
    assert note.value == "42"
    # The notes, the buttons and who sees it are what a short platform keeps.
    kept = card.blocks[-card.keep_last :]
    assert [type(b) for b in kept][-2:] == [Actions, Note]
    assert any(
        "Parler du <compte> & du reste" in line.plain()
        for b in kept[:-2]
        if isinstance(b, Paragraph)
        for line in b.lines
    )
    assert "Only you can see this brief" in card.blocks[-1].text.plain()  # type: ignore[union-attr]


@pytest.mark.parametrize(("own", "can_act"), [(True, False), (False, False), (True, True)])
def test_no_buttons_nor_notes_for_the_person_themself_or_a_viewer_who_is_not_the_manager(
    own: bool, can_act: bool
) -> None:
    card = brief_card(
        _brief(_referentiel("account-executive"), own=own, can_act=can_act), ZONE, Translator("en")
    )
    assert _buttons(card) == [] and card.keep_last == 1
    lines = _lines(card)
    assert not any("Parler du" in line for line in lines)
    assert ("Your topics for the 1:1" in lines) is own
    assert card.fallback.plain() == ("Your 1:1 brief" if own else "1:1 brief: *Emma* <Boss>")


def test_the_report_is_named_as_typed_and_what_people_wrote_is_never_markup() -> None:
    card = brief_card(_brief(_referentiel("account-executive")), ZONE, Translator("fr"))
    heading = card.blocks[0]
    assert isinstance(heading, Heading)
    assert heading.text.plain() == "Brief 1:1 — *Emma* <Boss>"
    assert Typed("*Emma* <Boss>") in _values(heading.text)
    topics = [
        line
        for b in card.blocks
        if isinstance(b, Paragraph)
        for line in b.lines
        if "objectif" in line.plain()
    ]
    assert [Typed("Mon **objectif** _Q1_") in _values(line) for line in topics] == [True]


def test_a_scheduled_brief_mentions_the_report_and_says_when_the_1_1_starts() -> None:
    meeting = NOW + timedelta(hours=1)
    card = brief_card(
        _brief(_referentiel("account-executive")), ZONE, Translator("en"), meeting_at=meeting
    )
    intro = card.blocks[1]
    assert isinstance(intro, Paragraph)
    assert Mention("U0EMMA") in _values(intro.lines[0])
    assert "Thursday, November 26 at 5:00\u202fPM" in intro.lines[0].plain()


def test_talking_points_quote_the_matrix_cell_or_the_certifications_criteria() -> None:
    matrix = _referentiel("account-executive")
    competency = matrix.all_competencies()[0]
    target = matrix.scale.levels[1]
    descriptor = competency.levels[target.id]
    point = TalkingPoint(
        PointReason.WEAKEST, competency, matrix.scale.levels[0], None, target, descriptor
    )
    lines = _lines(brief_card(_brief(matrix, points=[point]), ZONE, Translator("en")))
    assert f"1. The weakest point — {competency.label}" in lines
    assert f"To reach “{target.label}”:" in lines
    assert all(any(a.text in line for line in lines) for a in descriptor.aspects)

    certification = _referentiel("business-developer")
    competency = next(c for c in certification.all_competencies() if c.criteria)
    point = TalkingPoint(
        PointReason.NEXT, competency, None, None, certification.scale.levels[1], None
    )
    lines = _lines(brief_card(_brief(certification, points=[point]), ZONE, Translator("fr")))
    assert "Compétence pas encore évaluée" in lines
    assert all(any(c.text in line for line in lines) for c in competency.criteria)


def test_evidence_is_capped_with_a_count_of_the_rest_and_an_unreadable_link_left_out() -> None:
    referentiel = _referentiel("account-executive")
    label = referentiel.all_competencies()[0].label
    evidence = [
        EvidenceLine(label, f"deal {i} " + "mot " * 100, "https://crm.example/a|b", None, NOW)
        for i in range(EVIDENCE_SHOWN + 3)
    ]
    evidence[0] = replace(evidence[0], link="https://crm.example/" + "x" * 800)
    lines = _lines(brief_card(_brief(referentiel, evidence=evidence), ZONE, Translator("en")))
    assert "New evidence (11)" in lines and "… and 3 more" in lines
    shown = [line for line in lines if "deal " in line]
    assert len(shown) == EVIDENCE_SHOWN
    assert "link" not in shown[0] and all(line.endswith(" · link") for line in shown[1:])
    assert all("…" in line and len(line) < 400 for line in shown)  # what people wrote, shortened


@pytest.mark.parametrize(("locale", "day"), [("fr", "03/11/2026"), ("en-US", "11/3/2026")])
def test_each_piece_of_evidence_says_the_day_it_happened_not_the_day_it_was_logged(
    locale: str, day: str
) -> None:
    referentiel = _referentiel("account-executive")
    label = referentiel.all_competencies()[0].label
    logged_later = EvidenceLine(label, "Démo Acme", None, None, NOW, date(2026, 11, 3))
    brief = _brief(referentiel, evidence=[logged_later])
    [line] = [
        line for line in _lines(brief_card(brief, ZONE, Translator(locale))) if "Acme" in line
    ]
    assert f"{day} — Démo Acme" in line and "26/11" not in line and "11/26" not in line


def test_the_context_says_the_referentiel_the_period_and_the_recurring_1_1() -> None:
    referentiel = _referentiel("account-executive")
    schedule = ScheduleInfo(1, time(10, 0), NOW + timedelta(days=5), ZONE)
    card = brief_card(_brief(referentiel, schedule=schedule), ZONE, Translator("en"))
    [context] = [b for b in card.blocks if isinstance(b, Note)][:1]
    text = context.text.plain()
    assert text.startswith(referentiel.title) and "over the last 14 days" in text
    assert "1:1 every Tuesday at 10:00" in text
    assert Plain(referentiel.title) in _values(context.text)


def test_the_note_form_asks_for_one_required_text_and_carries_the_report() -> None:
    form = note_form(REPORT, Translator("en"))
    [field] = form.fields()
    assert isinstance(field, TextField) and field.name == actions.ONE_ON_ONE_NOTE_TEXT
    assert not field.optional and field.multiline and field.max_length == MAX_TEXT
    assert form.state == "42" and form.submit is not None and form.submit.plain() == "Save"
    assert Mention("U0EMMA") in _values(form.blocks[0].lines[0])  # type: ignore[union-attr]
    saved = note_saved_form(Translator("en"))
    assert saved.submit is None and saved.fields() == () and saved.close.plain() == "OK"


def test_the_answers_mention_the_report_and_say_what_carries_over_only_when_some_does() -> None:
    t = Translator("en")
    recorded = Recorded(9, REPORT, NOW, topics_discussed=2, topics_left=0)
    lines = _lines(recorded_card(recorded, ZONE, t))
    assert lines[1:] == ["2 topics marked as discussed."]
    assert Mention("U0EMMA") in _values(recorded_card(recorded, ZONE, t).fallback)
    lines = _lines(recorded_card(replace(recorded, topics_left=1), ZONE, t))
    assert lines[-1] == "1 topic raised in the meantime stays open for the next 1:1."
    schedule = ScheduleInfo(
        4, time(9, 30), NOW + timedelta(days=1), "America/Argentina/Buenos_Aires"
    )
    [line] = _lines(schedule_set_card(REPORT, schedule, t))
    assert "every Friday at 9:30\u202fAM (America/Argentina/Buenos_Aires)" in line
    assert _lines(schedule_stopped_card(REPORT, False, t))[0].startswith("No automatic brief")


@pytest.mark.parametrize(
    "value", [None, "", "garbage", '{"r": 1, "s": "2026-11-26T15:00:00"}', "[]"]
)
def test_a_done_value_that_is_not_ours_is_refused(value: str | None) -> None:
    assert DoneValue.load(value) is None
