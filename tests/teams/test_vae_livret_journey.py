"""The VAE livret in Teams, end to end through the real Teams SDK and the emulator over
HTTP: ``livret`` offers the PDF and the Word file as consent cards, accepted into the
person's OneDrive; a manager asks a direct report (``vae @person``), the report answers
on the card (Share / Decline, ``Action.Execute``) — shared files reach the manager's own
chat as consent cards, built again when accepted and only while the consent and the
reporting line hold; a yes delivered twice shares once; a decline tells the manager;
someone who is not the manager is refused. French and English, SQLite and PostgreSQL."""

from __future__ import annotations

import io

from docx import Document

from bot.app.outcome import FileKind
from emulators.teams import Message, User
from storage.db import session_scope
from storage.models import Person
from tests.support.vae_livret import REFERENTIEL, RENAULT, pdf_text, seed
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.files_support import built, consent, consent_cards, file_cards
from tests.teams.managers import enrol_manager, manage, sent


def _on_certification(world: TeamsWorld, user: User) -> None:
    enrol(world.core, user, REFERENTIEL)
    with session_scope(world.core.sessions) as session:
        seed(session, session.get_one(Person, world.person(user).id))


def _chloe_manages_alice(world: TeamsWorld) -> User:
    """Chloé (English) manages Alice (French, with evidence on the certification)."""
    chloe = world.emulator.add_user("Chloé Durand", "chloe@example.fr", locale="en-GB")
    enrol_manager(world, chloe)
    _on_certification(world, world.alice)
    manage(world, chloe, world.alice)
    for user in (chloe, world.alice):
        world.teams.install(user)
    return chloe


def _request(world: TeamsWorld, user: User, button: str) -> Message:
    return next(m for m in reversed(sent(world, user)) if button in world.teams.buttons(m))


def _docx_text(content: bytes) -> str:
    return " ".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_my_livret_is_offered_as_two_files_and_lands_in_my_onedrive(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    _on_certification(world, alice)
    teams.install(alice)
    assert teams.send_message(alice, "livret").status == 200
    pdf, docx = consent_cards(world, alice)
    assert consent(pdf)["name"] == f"livret-vae-{REFERENTIEL}-2026-11-26.pdf"
    assert consent(pdf)["content"]["acceptContext"] == {"palierFile": "livret_pdf"}
    assert consent(pdf)["content"]["description"] == "Votre livret de preuves VAE (PDF, à imprimer)"
    assert consent(docx)["name"] == f"livret-vae-{REFERENTIEL}-2026-11-26.docx"
    assert RENAULT not in str(pdf.activity)  # nothing of the livret in the card
    teams.accept_file(alice, pdf)
    teams.accept_file(alice, docx)
    stored_pdf, stored_docx = world.emulator.drive_files(alice)
    assert stored_pdf.content == built(world, alice, FileKind.LIVRET_PDF)
    assert "Livret de preuves — Alice Martin" in pdf_text(stored_pdf.content)
    assert RENAULT in _docx_text(stored_docx.content)
    assert len(file_cards(world, alice)) == 2 and consent_cards(world, alice) == []


def test_someone_on_a_skills_matrix_is_told_in_english_and_offered_nothing(
    world: TeamsWorld,
) -> None:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    world.teams.install(bob)
    world.teams.send_message(bob, "vae")
    assert consent_cards(world, bob) == []
    assert world.teams.render(sent(world, bob)[-1]).startswith(
        "The VAE evidence portfolio follows a certification référentiel"
    )


def test_a_manager_asks_the_report_shares_and_the_manager_accepts_the_files(
    world: TeamsWorld,
) -> None:
    teams, alice = world.teams, world.alice
    chloe = _chloe_manages_alice(world)
    mention = teams.mention(alice)
    assert teams.send_message(chloe, f"vae {mention}", mentions=[alice]).status == 200
    assert teams.render(sent(world, chloe)[-1]).startswith("Request sent to Alice Martin")
    request = _request(world, alice, "Partager")
    shown = teams.render(request)
    assert "Chloé Durand vous demande votre livret de preuves VAE" in shown
    assert "Rien n'est envoyé sans votre accord" in shown
    assert consent_cards(world, chloe) == []  # nothing before Alice says so

    answer = teams.click(alice, request, "Partager")
    assert answer.status == 200
    now = world.emulator.message(request.conversation_id, request.id)
    assert now is not None and "est envoyé à Chloé Durand" in teams.render(now)
    pdf, docx = consent_cards(world, chloe)
    assert consent(pdf)["content"]["description"] == "Alice Martin's VAE evidence portfolio (PDF)"
    assert consent(pdf)["content"]["acceptContext"]["palierFile"] == "shared_livret_pdf"
    assert RENAULT not in str(pdf.activity)
    teams.replay(answer)  # Teams delivers the click again: nothing is shared twice
    assert len(consent_cards(world, chloe)) == 2

    teams.accept_file(chloe, pdf)
    teams.accept_file(chloe, docx)
    stored_pdf, stored_docx = world.emulator.drive_files(chloe)
    assert "Livret de preuves — Alice Martin" in pdf_text(stored_pdf.content)
    assert RENAULT in _docx_text(stored_docx.content)
    assert world.emulator.drive_files(alice) == []


def test_a_manager_who_changed_before_accepting_gets_nothing(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    chloe = _chloe_manages_alice(world)
    marion = world.emulator.add_user("Marion Roy", "marion@example.fr")
    enrol_manager(world, marion)
    teams.send_message(alice, "vae partager")  # Alice shares on her own
    assert "est envoyé à Chloé Durand" in teams.render(sent(world, alice)[-1])
    pdf, _ = consent_cards(world, chloe)
    manage(world, marion, alice)  # Alice now reports to Marion
    teams.accept_file(chloe, pdf)
    assert world.emulator.drive_files(chloe) == []
    now = world.emulator.message(pdf.conversation_id, pdf.id)
    assert now is not None
    assert teams.render(now).startswith("This portfolio is no longer shared with you")


def test_the_report_declines_in_english_and_the_manager_is_told_in_french(
    world: TeamsWorld,
) -> None:
    teams, alice = world.teams, world.alice  # Alice (French) manages Bob (English)
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol_manager(world, alice)
    _on_certification(world, bob)
    manage(world, alice, bob)
    for user in (alice, bob):
        teams.install(user)
    teams.send_message(alice, f"livret {teams.mention(bob)}", mentions=[bob])
    assert teams.render(sent(world, alice)[-1]).startswith("Demande envoyée à Bob Stone")
    request = _request(world, bob, "Decline")
    assert "asks for your VAE evidence portfolio" in teams.render(request)
    teams.click(bob, request, "Decline")
    now = world.emulator.message(request.conversation_id, request.id)
    assert now is not None and teams.render(now).startswith("You declined: nothing was sent")
    assert "Bob Stone a choisi de ne pas partager" in teams.render(sent(world, alice)[-1])
    assert consent_cards(world, alice) == []


def test_only_the_direct_manager_may_ask(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    _chloe_manages_alice(world)
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    teams.install(bob)
    before = len(sent(world, alice))
    teams.send_message(bob, f"vae {teams.mention(alice)}", mentions=[alice])
    assert teams.render(sent(world, bob)[-1]).startswith(
        "You can only ask for the evidence portfolio"
    )
    assert len(sent(world, alice)) == before


def test_the_help_says_who_receives_a_livret_in_teams_words(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    for user, words in (
        (alice, "Votre livret de preuves VAE ne va à votre manager que si vous y consentez"),
        (bob, "Your VAE evidence portfolio goes to your manager only with your consent"),
    ):
        teams.install(user)
        teams.send_message(user, "help" if user is bob else "aide")
        shown = teams.render(sent(world, user)[-1])
        assert words in shown and "/palier" not in shown
