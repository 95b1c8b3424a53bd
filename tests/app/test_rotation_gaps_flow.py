"""After a check-in on a certification référentiel, the summary counts the criteria the
person's evidence covers, as the VAE livret does; a skills matrix says nothing of the
kind (application layer, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.app.checkin import CheckinAnswers, RatedSummary
from bot.app.outcome import SendDirect
from bot.bootstrap import Core, Flows
from bot.domain.criteria_coverage import CompetencyCoverage
from bot.domain.submissions import CheckinAnswer, CheckinSubmission
from bot.domain.vae_livret import build_livret
from bot.i18n import Translator
from bot.views.cards import Paragraph
from bot.views.summary import summary_card
from referentiels.loader import ReferentielCatalog
from storage.models import CheckinPrompt, Evidence, Person, PromptStatus
from tests.app.support import ALICE, NOW

CERTIFICATION = "manager-grands-comptes"  # 18 competencies, 41 criteria
WEEK = ["C1", "C2", "C3"]  # C1 has three criteria, C2 and C3 one each


def _enrol(core: Core, referentiel: str, week: list[str]) -> int:
    with core.sessions.begin() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        alice.referentiel_id = referentiel
        prompt = CheckinPrompt(
            tenant_id=alice.tenant_id,
            person_id=alice.id,
            cycle_key="2026-W48",
            scheduled_at=NOW - timedelta(hours=1),
            closes_at=NOW + timedelta(days=3),
            status=PromptStatus.SENT,
            competency_ids=week,
        )
        session.add(prompt)
        if referentiel == CERTIFICATION:  # logged earlier against one criterion of C4
            session.add(
                Evidence(
                    tenant_id=alice.tenant_id,
                    person_id=alice.id,
                    referentiel_id=CERTIFICATION,
                    competency_id="C4",
                    criterion_key=_c4_first_criterion(),
                    text="Plan de compte partagé avec le client",
                    happened_on=date(2026, 11, 2),
                )
            )
        session.flush()
        return prompt.id


def _c4_first_criterion() -> str:
    referentiel = ReferentielCatalog.load().get(CERTIFICATION)
    assert referentiel is not None
    c4 = referentiel.competency("C4")
    assert c4 is not None and len(c4.criteria) == 3
    return c4.criterion_key(0)


def _submit(
    flows: Flows, prompt_id: int, levels: dict[str, str], evidence: str | None
) -> RatedSummary:
    answers = [
        CheckinAnswer(
            competency_id=competency,
            level_id=level,
            evidence_text=evidence if competency == "C1" else None,
        )
        for competency, level in levels.items()
    ]
    outcome = flows.checkin.submit(
        ALICE, CheckinAnswers(prompt_id, CheckinSubmission(answers=answers), "test:gaps")
    )
    assert outcome.ok
    direct = next(effect for effect in outcome.effects if isinstance(effect, SendDirect))
    assert isinstance(direct, SendDirect) and isinstance(direct.view, RatedSummary)
    return direct.view


def _text(view: RatedSummary, locale: str) -> str:
    card = summary_card(view.summary, Translator(locale), only=view.rated)
    return "\n".join(
        line.plain()
        for block in card.blocks
        if isinstance(block, Paragraph)
        for line in block.lines
    )


def test_the_summary_counts_the_criteria_covered_by_evidence(core: Core, flows: Flows) -> None:
    prompt_id = _enrol(core, CERTIFICATION, WEEK)
    view = _submit(flows, prompt_id, dict.fromkeys(WEEK, "en_cours"), "Revue de compte avec Airbus")
    # C1's evidence came with the check-in, tied to no criterion: its three criteria;
    # C4's one criterion logged earlier. 4 of 41.
    assert view.summary.criteria == CompetencyCoverage(4, 41)
    assert "4 critères sur 41 couverts par vos preuves." in _text(view, "fr")
    assert "4 of 41 criteria covered by your evidence." in _text(view, "en")
    # The same count as the VAE livret's gaps.
    referentiel = ReferentielCatalog.load().get(CERTIFICATION)
    assert referentiel is not None
    with core.sessions() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        livret = build_livret(session, alice, referentiel)
    assert livret.criteria_count - len(livret.gaps) == 4


def test_one_criterion_covered_is_said_in_the_singular(core: Core, flows: Flows) -> None:
    prompt_id = _enrol(core, CERTIFICATION, WEEK)
    view = _submit(flows, prompt_id, dict.fromkeys(WEEK, "acquis"), None)
    assert view.summary.criteria == CompetencyCoverage(1, 41)
    assert "1 critère sur 41 couvert par vos preuves." in _text(view, "fr")
    assert "1 of 41 criteria covered by your evidence." in _text(view, "en")


def test_a_skills_matrix_counts_no_criteria(core: Core, flows: Flows) -> None:
    week = ["prospection", "qualification", "closing"]
    prompt_id = _enrol(core, "account-executive", week)
    view = _submit(flows, prompt_id, dict.fromkeys(week, "junior"), None)
    assert view.summary.criteria is None
    assert "criteria" not in _text(view, "en") and "critère" not in _text(view, "fr")
