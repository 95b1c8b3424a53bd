"""The VAE livret flow, called directly: the person's own livret as a PDF and a Word file
delivered to them alone, read back — blocs and competencies as headings, the
modalities of evaluation quoted, the evidence with its date, link and review, the
criteria without evidence listed as gaps — in English and in French; someone not on a
certification référentiel told why not; an operator's livret of anyone."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.operator import Operator
from bot.app.outcome import DeliverFile
from bot.app.vae import LivretFormat, LivretRefusal
from bot.bootstrap import Core, Flows
from bot.i18n import Translator
from storage.models import Evidence, Person, Platform, Rater, Rating, Submission, SubmissionKind
from tests.app.support import ALICE, STRANGER, TEAM, Directory
from tests.support.vae_livret import (
    AIRBUS,
    BLOC_1,
    C1,
    C1_CRITERION,
    C3_CRITERION,
    LINK,
    MODALITY_C1,
    REFERENTIEL,
    RENAULT,
    after,
    docx_lines,
    gap_list,
    pdf_text,
    seed,
)


def _seed_alice(core: Core, locale: str = "en-GB") -> None:
    with core.sessions.begin() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        alice.locale = locale
        seed(session, alice)


def _files(flows: Flows) -> tuple[DeliverFile, DeliverFile]:
    outcome = flows.vae.send_my_livret(ALICE)
    assert outcome.refusal is None
    pdf, docx = outcome.effects
    assert isinstance(pdf, DeliverFile) and isinstance(docx, DeliverFile)
    assert pdf.user_id == docx.user_id == "U0ALICE"
    assert isinstance(pdf.content, bytes) and isinstance(docx.content, bytes)
    return pdf, docx


def test_my_livret_in_english_reads_back_from_the_word_file(core: Core, flows: Flows) -> None:
    _seed_alice(core)
    pdf, docx = _files(flows)
    assert (pdf.filename, docx.filename) == (
        f"vae-livret-{REFERENTIEL}-2026-11-26.pdf",
        f"vae-livret-{REFERENTIEL}-2026-11-26.docx",
    )
    t = Translator("en")
    assert (pdf.title, docx.title) == (
        t("vae_livret.file_title_pdf"),
        t("vae_livret.file_title_docx"),
    )
    assert isinstance(docx.content, bytes)
    lines = docx_lines(docx.content)
    assert lines[0].text == "Evidence portfolio (livret de preuves) — Alice"
    headings1 = [line.text for line in lines if line.style == "Heading 1"]
    assert headings1[0] == BLOC_1 and len(headings1) == 5  # four blocs, then the gaps
    assert headings1[-1] == "Criteria without evidence, to work on"
    assert C1 in [line.text for line in lines if line.style == "Heading 2"]
    quoted = [line.text for line in lines if line.style == "Quote"]
    assert "Jeu de rôle (C1)" in quoted and MODALITY_C1 in quoted and C1_CRITERION in quoted
    bullets = [line.text for line in lines if line.style == "List Bullet"]
    assert f"05/10/2026 — {RENAULT} · link: {LINK} · level confirmed by the manager" in bullets
    assert f"07/10/2026 — {AIRBUS} · evidence logged on its own, no level to confirm" in bullets
    gaps = gap_list(lines, headings1[-1])
    c3 = next(label for label in gaps if label.startswith("C3 "))
    assert gaps[c3][0] == C3_CRITERION
    assert not any(label.startswith(("C1 ", "C2 ")) for label in gaps)
    count = sum(len(criteria) for criteria in gaps.values())
    assert after(lines, headings1[-1])[0].text.startswith(f"{count} criteria of ")


def test_my_livret_in_french_reads_back_from_the_pdf(core: Core, flows: Flows) -> None:
    _seed_alice(core, "fr")
    pdf, docx = _files(flows)
    assert pdf.filename == f"livret-vae-{REFERENTIEL}-2026-11-26.pdf"
    assert isinstance(pdf.content, bytes) and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Livret de preuves — Alice" in text
    for quoted in (BLOC_1, C1, "Jeu de rôle (C1)", MODALITY_C1, C1_CRITERION):
        assert quoted in text
    assert f"05/10/2026 — {RENAULT} · lien : {LINK} · niveau confirmé par le manager" in text
    assert "Auto-évaluation Manager" in text and "En cours d'acquisition" in text
    gaps = text.split("Critères sans preuve, à travailler")[-1]
    assert "C3 " in gaps and C3_CRITERION in gaps and "C1 " not in gaps
    assert isinstance(docx.content, bytes)
    assert "Critères sans preuve, à travailler" in [line.text for line in docx_lines(docx.content)]


def test_the_same_livret_gives_the_same_bytes(core: Core, flows: Flows) -> None:
    _seed_alice(core)
    first, second = _files(flows), _files(flows)
    assert first[0].content == second[0].content
    assert first[1].content == second[1].content


def test_not_on_a_certification_or_not_followed_gets_a_reason_and_no_file(
    flows: Flows,
) -> None:
    outcome = flows.vae.send_my_livret(ALICE)  # account-executive: a skills matrix
    assert (outcome.refusal, outcome.effects) == (LivretRefusal.NOT_CERTIFICATION.value, ())
    stranger = flows.vae.send_my_livret(STRANGER, Directory())
    assert (stranger.refusal, stranger.effects) == (LivretRefusal.NOT_ENROLLED.value, ())


def test_an_operator_writes_anyones_livret_in_their_language(core: Core, flows: Flows) -> None:
    _seed_alice(core)
    operator = Operator("fr")
    outcome = flows.vae.livret_of(operator, ALICE, REFERENTIEL, LivretFormat.DOCX)
    assert outcome.view is not None and outcome.view.name == "Alice"
    assert outcome.view.gaps > 0 and outcome.view.criteria > outcome.view.gaps
    assert docx_lines(outcome.view.content)[0].text.startswith("Evidence portfolio")
    nobody = ActorRef(Platform.SLACK, TEAM, "U0NOBODY")
    assert flows.vae.livret_of(operator, nobody, REFERENTIEL, LivretFormat.PDF).refusal == (
        LivretRefusal.UNKNOWN_PERSON.value
    )
    assert flows.vae.livret_of(operator, ALICE, "account-executive", LivretFormat.PDF).refusal == (
        LivretRefusal.NOT_CERTIFICATION.value
    )
    assert flows.vae.livret_of(operator, ALICE, "nope", LivretFormat.PDF).refusal == (
        LivretRefusal.UNKNOWN_REFERENTIEL.value
    )


def test_each_piece_of_evidence_says_what_the_manager_made_of_its_rating(
    core: Core, flows: Flows
) -> None:
    """C1: confirmed (same level). C3: adjusted (the manager gave another level), so its
    criterion is no longer a gap. C4: a self-rating the manager has not reviewed."""
    _seed_alice(core)
    with core.sessions.begin() as session:
        alice = session.scalars(select(Person).where(Person.platform_user_id == "U0ALICE")).one()
        c3 = session.scalars(
            select(Rating).where(Rating.person_id == alice.id, Rating.competency_id == "C3")
        ).one()
        checkin = Submission(
            tenant_id=alice.tenant_id,
            person_id=alice.id,
            kind=SubmissionKind.CHECKIN,
            idempotency_key="vae-c4",
        )
        session.add(checkin)
        session.flush()
        at = datetime(2026, 11, 2, 9, tzinfo=UTC)
        common = {
            "tenant_id": alice.tenant_id,
            "person_id": alice.id,
            "referentiel_id": REFERENTIEL,
        }
        session.add_all(
            [
                Rating(**common, competency_id="C3", level_id="en_cours", rater=Rater.MANAGER, rated_at=at),
                Rating(
                    **common, competency_id="C4", level_id="acquis", rater=Rater.SELF,
                    rated_at=at, submission_id=checkin.id,
                ),
                Evidence(
                    **common, competency_id="C3", text="Plan de développement Espagne",
                    submission_id=c3.submission_id, happened_on=date(2026, 10, 19),
                ),
                Evidence(
                    **common, competency_id="C4", text="Cartographie des décideurs Safran",
                    submission_id=checkin.id, happened_on=date(2026, 11, 1),
                ),
            ]
        )  # fmt: skip
    _, docx = _files(flows)
    assert isinstance(docx.content, bytes)
    lines = docx_lines(docx.content)
    bullets = [line.text for line in lines if line.style == "List Bullet"]
    assert "19/10/2026 — Plan de développement Espagne · level adjusted by the manager" in bullets
    assert (
        "01/11/2026 — Cartographie des décideurs Safran · level not yet reviewed by the manager"
        in bullets
    )
    gaps = gap_list(lines, "Criteria without evidence, to work on")
    assert not any(label.startswith(("C3 ", "C4 ")) for label in gaps)


def test_emoji_in_evidence_print_as_their_names_and_stay_in_the_word_file(
    core: Core, flows: Flows, caplog: pytest.LogCaptureFixture
) -> None:
    """Chat text has emoji the PDF's font does not draw: the PDF names each one in
    brackets (no empty box, no warning, nothing lost); the Word file keeps them."""
    _seed_alice(core, "fr")
    with core.sessions.begin() as session:
        evidence = session.scalars(select(Evidence).where(Evidence.text == RENAULT)).one()
        evidence.text = "Accord signé avec Renault 🤝 lancement 🚀 ❤️ bravo 👍🏽 « équipe »"
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        pdf, docx = _files(flows)
    assert [str(w.message) for w in warned] == []
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]
    assert isinstance(pdf.content, bytes) and isinstance(docx.content, bytes)
    text = pdf_text(pdf.content)
    assert (
        "Accord signé avec Renault [HANDSHAKE] lancement [ROCKET] ❤️ bravo [THUMBS UP SIGN] "
        "« équipe »" in text
    )
    bullets = [line.text for line in docx_lines(docx.content) if line.style == "List Bullet"]
    assert any("Renault 🤝 lancement 🚀 ❤️ bravo 👍🏽" in line for line in bullets)
