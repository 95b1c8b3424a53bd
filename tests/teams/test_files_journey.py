"""Files in Teams, end to end through the real Teams SDK and the emulator over HTTP: a
manager's export (an Excel workbook) and one's own data (a summary to read, then the JSON)
offered as consent cards (only which file they are, never their content), accepted — the bytes in the person's OneDrive are what the core
builds, the file card shows them, the consent card is gone — or declined (a notice,
nothing uploaded); a yes delivered twice uploads once; a member gets the refusal and no
card; someone else's card accepted gives nothing of its owner's data; an upload that
fails says so and can be accepted again. French and English, SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app.outcome import FileKind
from emulators.teams import User
from storage.db import session_scope
from storage.models import Evidence, Person, Rater, Rating
from tests.spreadsheets import export_records, xlsx_cells, xlsx_rows
from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.files_support import (
    built,
    consent,
    consent_cards,
    file_card,
    file_cards,
)
from tests.teams.managers import enrol_manager, manage, sent

FORMULA = '=HYPERLINK("https://evil.example/","x")'
ODD_NAME = "=SUM(1+1)"  # a name a spreadsheet would run


def _with_data(world: TeamsWorld, user: User) -> None:
    """A self-rating and a piece of evidence a spreadsheet would run, for ``user``."""
    person = world.person(user)
    with session_scope(world.core.sessions) as session:
        for row in (
            Rating(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id="account-executive",
                competency_id="prospection",
                level_id="junior",
                rater=Rater.SELF,
                rated_at=world.clock.now,
            ),
            Evidence(
                tenant_id=person.tenant_id,
                person_id=person.id,
                referentiel_id="account-executive",
                competency_id="prospection",
                text=FORMULA,
                created_at=world.clock.now,
                updated_at=world.clock.now,
            ),
        ):
            session.add(row)


def _marion(world: TeamsWorld) -> User:
    """Marion manages Alice and a report with an odd name (both with data); Marion and
    Alice installed Palier."""
    marion = world.emulator.add_user("Marion Roy", "marion@example.fr")
    odd = world.emulator.add_user(ODD_NAME, "sum@example.fr")
    enrol_manager(world, marion)
    enrol(world.core, odd)
    manage(world, marion, world.alice, odd)
    _with_data(world, world.alice)
    _with_data(world, odd)
    world.teams.install(marion)
    world.teams.install(world.alice)
    return marion


def _bob(world: TeamsWorld) -> User:
    bob = world.emulator.add_user("Bob Stone", "bob@example.com", locale="en-US")
    enrol(world.core, bob)
    world.teams.install(bob)
    return bob


def test_a_managers_export_is_offered_accepted_and_lands_in_their_onedrive(
    world: TeamsWorld,
) -> None:
    teams, marion = world.teams, _marion(world)
    before = len(sent(world, marion))
    assert teams.send_message(marion, "exporter").status == 200
    [card] = sent(world, marion)[before:]
    offered = consent(card)
    expected = built(world, marion, FileKind.EXPORT)
    assert offered["name"] == "palier-export-2026-11-26.xlsx"
    assert offered["content"]["description"] == "Export Palier"
    assert offered["content"]["sizeInBytes"] == len(expected)
    assert offered["content"]["acceptContext"] == {"palierFile": "export"}
    assert offered["content"]["declineContext"] == {"palierFile": "export"}
    assert "Alice" not in json.dumps(card.activity)  # nothing of the file in the card

    answer = teams.accept_file(marion, card)
    assert (answer.status, answer.outcome, answer.late) == (200, None, False)
    [stored] = world.emulator.drive_files(marion)
    assert (stored.name, stored.content) == ("palier-export-2026-11-26.xlsx", expected)
    records = export_records(xlsx_rows(stored.content), "fr", "Europe/Paris")
    assert {r["person"] for r in records} == {"Alice Martin", ODD_NAME}  # text, never run
    assert not [c for c in xlsx_cells(stored.content) if c.data_type == "f"]
    # The evidence logged on its own (no check-in) is in the export, a row of its own.
    assert [(r["kind"], r["evidence"]) for r in records if r["person"] == "Alice Martin"] == [
        ("Évaluation", None),
        ("Preuve", FORMULA),
    ]
    [shown] = file_cards(world, marion)
    info = file_card(shown)
    assert (info["contentUrl"], info["name"]) == (stored.content_url, stored.name)
    assert info["content"] == {"uniqueId": stored.unique_id, "fileType": "xlsx"}
    assert shown.text.startswith("Évaluations et preuves de ")
    assert consent_cards(world, marion) == []  # accepted once: it cannot be accepted again
    gone = world.emulator.message(card.conversation_id, card.id)
    assert gone is not None and gone.deleted
    [put] = world.emulator.calls_to("upload")
    assert put.body["contentRange"] == f"bytes 0-{len(expected) - 1}/{len(expected)}"
    assert put.body["authorization"] is False


def test_ones_own_data_in_english_as_a_summary_and_json(world: TeamsWorld) -> None:
    teams, bob = world.teams, _bob(world)
    _with_data(world, bob)
    teams.send_message(bob, "privacy export")
    readable, card = consent_cards(world, bob)
    assert consent(readable)["name"] == "palier-my-data-2026-11-26.txt"
    assert consent(readable)["content"]["description"] == "My Palier data — summary to read"
    assert consent(readable)["content"]["acceptContext"] == {"palierFile": "my_data_summary"}
    assert consent(card)["name"] == "palier-my-data-2026-11-26.json"
    assert consent(card)["content"]["description"] == "My Palier data — complete file (JSON)"
    teams.accept_file(bob, readable)
    teams.accept_file(bob, card)

    summary, stored = world.emulator.drive_files(bob)
    assert summary.content == built(world, bob, FileKind.MY_DATA_SUMMARY)
    text = summary.content.decode("utf-8")
    assert text.startswith("\ufeffYour data in Palier") and "Name: Bob Stone" in text
    assert "Evidence (1)" in text and FORMULA in text
    assert stored.content == built(world, bob, FileKind.MY_DATA)
    data = json.loads(stored.content)
    assert data["profile"]["display_name"] == "Bob Stone"
    assert data["profile"]["platform_user_id"] == bob.aad_object_id
    assert [e["text"] for e in data["evidence"]] == [FORMULA]
    shown_summary, shown = file_cards(world, bob)
    assert shown_summary.text.startswith("Here is everything Palier keeps about you")
    assert file_card(shown_summary)["content"]["fileType"] == "txt"
    assert file_card(shown)["content"]["fileType"] == "json"


def test_ones_own_data_in_french_is_named_in_french(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    _with_data(world, alice)
    teams.send_message(alice, "confidentialité exporter")
    readable, card = consent_cards(world, alice)
    assert consent(readable)["name"] == "palier-mes-donnees-2026-11-26.txt"
    assert consent(card)["name"] == "palier-mes-donnees-2026-11-26.json"
    teams.accept_file(alice, readable)
    [summary] = world.emulator.drive_files(alice)
    text = summary.content.decode("utf-8")
    assert text.startswith("\ufeffVos données dans Palier") and "Preuve (1)" in text
    assert "Résumé préparé le 26 nov. 2026 pour Alice Martin." in text


def test_a_declined_file_is_not_uploaded_and_the_card_says_so(world: TeamsWorld) -> None:
    teams, alice, bob = world.teams, world.alice, _bob(world)
    teams.install(alice)
    for user, words in (
        (alice, "Fichier refusé : rien n'a été déposé dans votre OneDrive."),
        (bob, "File declined: nothing was put in your OneDrive."),
    ):
        teams.send_message(user, "privacy export")
        for card in consent_cards(world, user):
            assert teams.decline_file(user, card).status == 200
            now = world.emulator.message(card.conversation_id, card.id)
            assert now is not None and not now.deleted
            assert teams.render(now) == words  # the card became the notice
        assert consent_cards(world, user) == [] and file_cards(world, user) == []
        assert world.emulator.drive_files(user) == []
    assert world.emulator.calls_to("upload") == []


def test_a_yes_delivered_twice_uploads_once(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.send_message(alice, "confidentialité exporter")
    _, card = consent_cards(world, alice)
    answer = teams.accept_file(alice, card)
    seen = len(world.teams.messages(alice))

    again = teams.replay(answer)  # Teams retries the same invoke
    assert again.status == 200
    assert len(world.emulator.drive_files(alice)) == 1
    assert len(world.emulator.calls_to("upload")) == 1
    assert len(world.teams.messages(alice)) == seen  # nothing said twice either


def test_a_member_asking_for_the_export_is_refused_and_offered_nothing(
    world: TeamsWorld,
) -> None:
    teams, alice = world.teams, world.alice
    _marion(world)
    before = len(sent(world, alice))
    teams.send_message(alice, "export")
    [answer] = sent(world, alice)[before:]
    said = teams.render(answer)
    assert "L'export est réservé aux managers" in said and "/palier" not in said
    assert consent_cards(world, alice) == []


def test_someone_elses_card_accepted_gives_nothing_of_its_owners_data(
    world: TeamsWorld,
) -> None:
    teams, alice, marion, bob = world.teams, world.alice, _marion(world), _bob(world)
    teams.send_message(alice, "privacy export")
    alices_summary, alices = consent_cards(world, alice)
    teams.send_message(marion, "export")
    [marions] = consent_cards(world, marion)

    # Bob's client replays Alice's context: he gets his own data, none of hers.
    context = consent(alices)["content"]["acceptContext"]
    name = consent(alices)["name"]
    assert teams.file_consent(bob, "accept", context, name=name, reply_to_id=alices.id).ok
    [his] = world.emulator.drive_files(bob)
    assert his.content == built(world, bob, FileKind.MY_DATA)
    assert b"Alice" not in his.content and FORMULA.encode() not in his.content
    # ... and Marion's export context, which a report may not have: the refusal only.
    context = consent(marions)["content"]["acceptContext"]
    teams.file_consent(bob, "accept", context, name="palier-export.csv", reply_to_id=marions.id)
    assert len(world.emulator.drive_files(bob)) == 1
    refused = sent(world, bob)[-1]
    assert "Exports are for managers" in teams.render(refused)
    # The owners' cards are untouched, theirs to accept.
    assert consent_cards(world, alice) == [alices_summary, alices]
    assert consent_cards(world, marion) == [marions]
    assert world.emulator.drive_files(alice) == world.emulator.drive_files(marion) == []


def test_an_upload_that_fails_says_so_and_can_be_accepted_again(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    _with_data(world, alice)
    teams.send_message(alice, "privacy export")
    readable, card = consent_cards(world, alice)
    world.emulator.inject("upload", status=503)
    assert teams.accept_file(alice, card).status == 200
    said = teams.render(sent(world, alice)[-1])
    assert "palier-mes-donnees-2026-11-26.json n'a pas pu être déposé dans votre OneDrive" in said
    assert "rien n'y a été laissé" in said
    assert file_cards(world, alice) == [] and world.emulator.drive_files(alice) == []
    assert len(world.emulator.calls_to("upload_cancel")) == 1  # the session given up
    assert consent_cards(world, alice) == [readable, card]  # still there, to accept again

    teams.accept_file(alice, card)
    [stored] = world.emulator.drive_files(alice)
    assert stored.content == built(world, alice, FileKind.MY_DATA)
    assert len(file_cards(world, alice)) == 1 and consent_cards(world, alice) == [readable]


def test_the_privacy_usage_promises_the_file_teams_now_sends(world: TeamsWorld) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.send_message(alice, "privacy")
    usage = teams.render(sent(world, alice)[-1])
    assert "privacy export" in usage and "un résumé à lire et le fichier complet" in usage
    assert "/palier" not in usage
    teams.send_message(alice, "privacy export")
    assert len(consent_cards(world, alice)) == 2  # the summary to read, then the JSON


def test_files_are_offered_in_the_persons_own_chat_only(world: TeamsWorld) -> None:
    """Palier's app lives in the personal scope; every card above went to a personal chat,
    which the emulator checks (a consent card elsewhere is refused with 400)."""
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.send_message(alice, "privacy export")
    card, _ = consent_cards(world, alice)
    chat = world.emulator.conversation(card.conversation_id)
    assert chat is not None and chat.conversation_type == "personal"
    assert [c.status for c in world.emulator.calls_to("send")][-1] == 201
    with session_scope(world.core.sessions) as session:  # asking stored nothing
        assert session.scalars(select(Person.id)).all()


def test_a_second_file_of_the_same_name_is_shown_under_the_name_onedrive_gave_it(
    world: TeamsWorld,
) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    for _ in range(2):
        teams.send_message(alice, "privacy export")
        card = consent_cards(world, alice)[-1]  # the JSON's
        teams.accept_file(alice, card)
    names = [f.name for f in world.emulator.drive_files(alice)]
    assert names == ["palier-mes-donnees-2026-11-26.json", "palier-mes-donnees-2026-11-26 1.json"]
    assert [file_card(m)["name"] for m in file_cards(world, alice)] == names
