"""Palier's page in Teams (Slack's App Home) as a card in the person's chat, end to end:
typed (``accueil``) or asked for from the welcome, what it shows (levels, history, the
next check-in, the person's evidence as typed), paging and a confirmed Delete answered
in place, Edit, Log evidence and Check in now as dialogs whose saving updates the very
card clicked — through the real Teams SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.app.actor import ActorRef
from bot.app.evidence import SaveEvidence
from bot.domain.evidence import EvidenceInput
from emulators.teams import Dialog, Message, User
from storage.db import session_scope
from storage.models import Evidence, Person, Platform, PromptStatus
from tests.teams.conftest import TeamsWorld, enrol

TYPED = "Signé **Acme** : 3 rendez-vous, [x](https://evil) _vite_"
OLDER, NEWER = "Plus anciennes →", "← Plus récentes"
SAVE, CRITERIA = "Enregistrer", "Voir ses critères"
UPDATE = "Mettre à jour"  # the edit form's button


def _ref(user: User) -> ActorRef:
    return ActorRef(Platform.TEAMS, user.tenant_id, user.aad_object_id)


def _competencies(world: TeamsWorld) -> list[str]:
    referentiel = world.core.referentiels.get("account-executive")
    assert referentiel is not None
    return [competency.id for _, competency in referentiel.iter_competencies()]


def _log(world: TeamsWorld, user: User, text: str, competency: int = 0) -> None:
    """Evidence logged the way any front end logs it (the flow), before the page shows it."""
    data = EvidenceInput(competency_id=_competencies(world)[competency], text=text)
    outcome = world.flows.evidence.save(_ref(user), SaveEvidence(data, f"seed:{text}"))
    assert outcome.ok


def _evidence(world: TeamsWorld, user: User) -> list[Evidence]:
    with session_scope(world.core.sessions) as session:
        return list(
            session.scalars(
                select(Evidence)
                .join(Person)
                .where(Person.platform_user_id == user.aad_object_id)
                .order_by(Evidence.id)
            )
        )


def _home(world: TeamsWorld, user: User) -> Message:
    """``accueil`` typed to Palier: the page is the newest message."""
    world.teams.send_message(user, "accueil")
    home = world.teams.latest_message(user)
    assert home is not None
    return home


def _now(world: TeamsWorld, message: Message) -> Message:
    """``message`` as it is now in the chat (after an update)."""
    current = world.emulator.message(message.conversation_id, message.id)
    assert current is not None
    return current


def _choices(dialog: Dialog | None, input_id: str) -> list[str]:
    """The values a dialog's choice offers."""
    assert dialog is not None and dialog.card is not None
    (found,) = [e for e in dialog.card["body"] if e.get("id") == input_id]
    return [str(choice["value"]) for choice in found["choices"]]


def _runs(card: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(card, dict):
        if card.get("type") == "TextRun":
            found.append(card)
        for value in card.values():
            found.extend(_runs(value))
    elif isinstance(card, list):
        for item in card:
            found.extend(_runs(item))
    return found


def test_accueil_shows_the_page_with_the_persons_evidence_as_typed(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    _log(world, alice, TYPED)
    home = _home(world, alice)
    screen = teams.render(home)
    assert "Palier — Account Executive" in screen
    assert "Prochain check-in : jeudi 26 novembre à 16:00" in screen  # her local time
    assert "chaque jeudi à 16:00 (Europe/Paris)" in screen
    assert "• Prospection : pas encore évaluée · 1 preuve" in screen
    assert "Vos preuves (1–1 sur 1)" in screen
    # Her words as she typed them: one run of their own, never read as Markdown.
    assert TYPED in screen
    typed = [run for run in _runs(home.card) if run["text"] == TYPED]
    assert len(typed) == 1 and "weight" not in typed[0] and "selectAction" not in typed[0]
    assert "Slack" not in screen and "/palier" not in screen  # Teams' own ways, not Slack's
    buttons = teams.buttons(home)
    for title in ("Faire mon check-in maintenant", "Ajouter une preuve", "Mettre en pause"):
        assert title in buttons
    assert [b for b in buttons if b in ("Modifier", "Supprimer")] == ["Modifier", "Supprimer"]


def test_the_page_shows_levels_and_history_after_a_check_in(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    world.tick()
    prompt = teams.latest_message(alice)
    assert prompt is not None
    teams.open_dialog(alice, prompt, "Faire mon check-in")
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    assert teams.submit_dialog(alice, dict.fromkeys(levels, "junior")).outcome == "close"
    screen = teams.render(_home(world, alice))
    assert "✅ Check-in de la semaine 48 fait. Merci !" in screen
    assert "• Prospection : Junior · historique : J" in screen
    assert "Niveau atteint : Junior" in screen
    assert "Série : 1 semaine de check-in d'affilée" in screen


def test_the_welcome_shows_the_page_below_it(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    welcome = teams.latest_message(alice)
    assert welcome is not None
    answer = teams.click(alice, welcome, "Ma page Palier")
    assert answer.status == 200
    home = teams.latest_message(alice)
    assert home is not None and home.id != welcome.id
    assert "Palier — Account Executive" in teams.render(home)
    assert "Bienvenue dans Palier" in teams.render(_now(world, welcome))  # left as it was


def test_someone_not_followed_is_told_what_palier_is_in_their_language(
    world: TeamsWorld,
) -> None:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    world.teams.install(bob)
    welcome = world.teams.latest_message(bob)
    assert welcome is not None and world.teams.buttons(welcome) == []  # no page yet
    world.teams.send_message(bob, "home")
    page = world.teams.latest_message(bob)
    assert page is not None
    assert "You are not enrolled yet" in world.teams.render(page)


def test_older_and_newer_evidence_replace_the_card(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    for number in range(7):
        _log(world, alice, f"Preuve numéro {number}", competency=number % 3)
    home = _home(world, alice)
    assert "Vos preuves (1–5 sur 7)" in teams.render(home)
    assert NEWER not in teams.buttons(home)

    answer = teams.click(alice, home, OLDER)
    assert answer.outcome == "card"
    older = _now(world, home)
    screen = teams.render(older)
    assert "Vos preuves (6–7 sur 7)" in screen
    assert "Preuve numéro 1" in screen and "Preuve numéro 6" not in screen
    assert OLDER not in teams.buttons(older) and NEWER in teams.buttons(older)
    assert teams.latest_message(alice) == older  # in place: no new message

    teams.click(alice, older, NEWER)
    assert "Vos preuves (1–5 sur 7)" in teams.render(_now(world, home))


def test_delete_asks_first_then_the_page_shows_what_is_left(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    for number in range(6):
        _log(world, alice, f"Preuve numéro {number}")
    _log(world, alice, TYPED)
    home = _home(world, alice)
    teams.click(alice, home, OLDER)  # the second page: the last two
    page = _now(world, home)
    assert "Vos preuves (6–7 sur 7)" in teams.render(page)
    # The question quotes her words as typed, on the card the button reveals.
    assert "« Preuve numéro 1 » sera supprimée définitivement." in str(page.card)

    # Pressing Delete only asks: nothing is deleted yet.
    assert len(_evidence(world, alice)) == 7
    answer = teams.click(alice, page, "Supprimer", within="Supprimer")
    assert answer.outcome == "card"
    texts = [evidence.text for evidence in _evidence(world, alice)]
    assert "Preuve numéro 1" not in texts and len(texts) == 6
    shown = teams.render(_now(world, home))
    assert "Vos preuves (6–6 sur 6)" in shown  # the page she was on
    assert "Preuve numéro 1" not in shown and "Preuve numéro 0" in shown


def test_edit_is_the_evidence_form_and_saving_updates_the_page(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    _log(world, alice, TYPED)
    home = _home(world, alice)
    assert teams.open_dialog(alice, home, "Modifier").outcome == "continue"
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    assert dialog.title == "Modifier la preuve"  # an edit, said so
    filled = {e["id"]: e.get("value") for e in dialog.card["body"] if "id" in e}
    assert filled["evidence.text"] == TYPED  # the whole text, as typed
    assert filled["evidence.competency"] == _competencies(world)[0]

    # A link that is not one: the form again as filled in, the problem beside the link.
    edited = "Signé **Acme** et Globex"
    again = teams.submit_dialog(
        alice, {"evidence.text": edited, "evidence.link": "pas un lien"}, button=UPDATE
    )
    assert again.outcome == "continue"
    assert "n'est pas une adresse web valide" in teams.screen(alice)
    assert _evidence(world, alice)[0].text == TYPED  # nothing stored

    # Another competency: its criteria are asked for, the answers kept, the card too.
    other = _competencies(world)[2]
    criteria = _choices(teams.dialog(alice), "evidence.criterion")
    shown = teams.submit_dialog(alice, {"evidence.competency": other}, button=CRITERIA)
    assert shown.outcome == "continue"
    assert _choices(teams.dialog(alice), "evidence.criterion") not in ([], criteria)

    link = "https://crm.example/deal/42"
    done = teams.submit_dialog(alice, {"evidence.link": link}, button=UPDATE)
    assert done.outcome == "close" and teams.dialog(alice) is None
    (stored,) = _evidence(world, alice)
    assert (stored.competency_id, stored.text, stored.link) == (other, edited, link)
    page = teams.render(_now(world, home))
    assert edited in page and TYPED not in page  # the card she clicked, updated
    assert "Vos preuves (1–1 sur 1)" in page and "Justification · 26/11/2026" in page
    saved = teams.latest_message(alice)
    assert saved is not None and saved.id != home.id  # the confirmation, below
    assert "Justification" in teams.render(saved)


def test_log_evidence_from_the_page(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    home = _home(world, alice)
    assert "Aucune preuve pour l'instant" in teams.render(home)
    assert teams.open_dialog(alice, home, "Ajouter une preuve").outcome == "continue"
    competency = _competencies(world)[1]
    done = teams.submit_dialog(
        alice,
        {"evidence.competency": competency, "evidence.text": "Appel de découverte"},
        button=SAVE,
    )
    assert done.outcome == "close"
    assert [e.competency_id for e in _evidence(world, alice)] == [competency]
    page = teams.render(_now(world, home))
    assert "Appel de découverte" in page and "Vos preuves (1–1 sur 1)" in page


def test_check_in_now_opens_this_weeks_check_in_and_the_page_follows(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    home = _home(world, alice)  # before any prompt was sent
    assert teams.open_dialog(alice, home, "Faire mon check-in maintenant").outcome == "continue"
    dialog = teams.dialog(alice)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    assert len(levels) == 5
    done = teams.submit_dialog(alice, dict.fromkeys(levels, "junior"))
    assert done.outcome == "close"
    assert world.prompt(alice).status is PromptStatus.DONE
    page = teams.render(_now(world, home))
    assert "✅ Check-in de la semaine 48 fait" in page
    assert "• Prospection : Junior · historique : J" in page
    summary = teams.latest_message(alice)
    assert summary is not None and "Votre progression" in teams.render(summary)

    # Once done, the button says so instead of opening the check-in again.
    again = teams.open_dialog(alice, _now(world, home), "Faire mon check-in maintenant")
    assert again.outcome == "message" and again.notice == "Ce check-in est déjà fait. Merci !"


def test_nobody_edits_or_deletes_someone_elses_evidence(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    chloe = world.emulator.add_user("Chloé Petit", "chloe@example.fr")
    enrol(world.core, chloe)
    teams.install(alice)
    teams.install(chloe)
    _log(world, alice, "La preuve d'Alice")
    _log(world, chloe, "La preuve de Chloé")
    home = _home(world, chloe)
    # A forged card whose buttons name Alice's evidence: refused as unknown, unchanged.
    theirs, mine = _evidence(world, alice)[0].id, _evidence(world, chloe)[0].id
    forged = json.dumps(home.card).replace(f'"value": "{mine}"', f'"value": "{theirs}"')
    assert forged != json.dumps(home.card)
    world.emulator.refresh_card(home.conversation_id, home.id, json.loads(forged))
    opened = teams.open_dialog(chloe, _now(world, home), "Modifier")
    assert opened.outcome == "message" and opened.notice == "Cette preuve n'existe pas ou plus."
    teams.click(chloe, _now(world, home), "Supprimer", within="Supprimer")
    assert [e.text for e in _evidence(world, alice)] == ["La preuve d'Alice"]
    assert [e.text for e in _evidence(world, chloe)] == ["La preuve de Chloé"]
    assert "La preuve d'Alice" not in teams.render(_now(world, home))
