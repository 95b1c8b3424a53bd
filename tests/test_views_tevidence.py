"""The evidence form's additions for a platform whose forms cannot react to a choice:
the button beside the competency, the submitted answers read back, the problems placed
beside their fields, a criterion of another competency not offered; and the card that
opens the form where a command cannot."""

from __future__ import annotations

from bot.domain.access import readers_of
from bot.i18n import Translator
from bot.views import actions
from bot.views.cards import Actions, ChoiceField, Paragraph
from bot.views.evidence import EvidenceDraft, evidence_form, log_card, problem_field, read_draft
from referentiels.loader import ReferentielCatalog

REFERENTIEL = ReferentielCatalog.load(None).get("account-executive")


def _field(name: str, draft: EvidenceDraft) -> ChoiceField | None:
    assert REFERENTIEL is not None
    form = evidence_form(
        REFERENTIEL, Translator("en"), draft, readers=readers_of(None, indirect=False)
    )
    found = [f for f in form.fields() if f.name == name]
    assert all(isinstance(f, ChoiceField) for f in found)
    return found[0] if found else None  # type: ignore[return-value]


def test_the_competency_offers_to_show_its_criteria() -> None:
    competency = _field(actions.EVIDENCE_COMPETENCY, EvidenceDraft())
    assert competency is not None and competency.refresh
    assert competency.refresh_label is not None
    assert competency.refresh_label.plain() == "Show its criteria"
    assert _field(actions.EVIDENCE_CRITERION, EvidenceDraft()) is None


def test_a_criterion_of_another_competency_is_not_chosen() -> None:
    kept = _field(actions.EVIDENCE_CRITERION, EvidenceDraft("prospection", "aspect:Suivi"))
    assert kept is not None and kept.initial == ("aspect:Suivi",)
    other = _field(actions.EVIDENCE_CRITERION, EvidenceDraft("qualification", "aspect:Suivi"))
    assert other is not None and other.initial == ()


def test_answers_are_read_back_by_field_and_problems_placed_beside_them() -> None:
    draft = read_draft(
        {
            actions.EVIDENCE_COMPETENCY: "closing",
            actions.EVIDENCE_CRITERION: "",
            actions.EVIDENCE_TEXT: "**as typed** <at>x</at>",
        }
    )
    assert draft == EvidenceDraft("closing", None, "**as typed** <at>x</at>", None)
    assert problem_field("evidence_link") == actions.EVIDENCE_LINK
    assert problem_field("competency") == actions.EVIDENCE_COMPETENCY
    assert problem_field("elsewhere") == "elsewhere"  # noted above the form


def test_the_log_card_has_one_button_that_opens_the_form() -> None:
    for locale, label in (("fr", "Noter une preuve"), ("en", "Log evidence")):
        card = log_card(Translator(locale), readers_of(None, indirect=False))
        paragraph, row = card.blocks
        assert isinstance(paragraph, Paragraph) and isinstance(row, Actions)
        [button] = row.buttons
        assert (button.action, button.label.plain()) == (actions.EVIDENCE_OPEN, label)
