"""Block Kit rendered as text, for the demo and for reading failed tests."""

from __future__ import annotations

from emulators.slack import render_blocks, render_view
from emulators.slack.render import strip_mrkdwn
from tests.emulator import actions, button, home, input_block, modal, option, section, text


def test_mrkdwn_is_stripped_lightly() -> None:
    assert strip_mrkdwn("*Senior* _bientôt_ ~jamais~ `code`") == "Senior bientôt jamais `code`"
    assert (
        strip_mrkdwn("<https://palier.example/aide|l'aide>")
        == "l'aide (https://palier.example/aide)"
    )
    assert (
        strip_mrkdwn("<@U0ALICE> et <!here> &amp; <#C0SALES|ventes>")
        == "@U0ALICE et @here & ventes"
    )
    assert strip_mrkdwn("2 * 3 * 4 et snake_case_name") == "2 * 3 * 4 et snake_case_name"


def test_a_message_renders_as_readable_text() -> None:
    blocks = [
        {"type": "header", "text": text("Check-in de la semaine")},
        section("Bonjour *Alice*, où en êtes-vous en _prospection_ ?"),
        {"type": "section", "fields": [text("*Niveau*", "mrkdwn"), text("Intermédiaire")]},
        {"type": "divider"},
        {"type": "context", "elements": [text("Référentiel : Account Executive")]},
        actions(button("Commencer", "start"), button("Plus tard", "snooze")),
    ]

    rendered = render_blocks(blocks)

    assert rendered.splitlines() == [
        "Check-in de la semaine",
        "======================",
        "Bonjour Alice, où en êtes-vous en prospection ?",
        "Niveau                        Intermédiaire",
        "─" * 60,
        "  Référentiel : Account Executive",
        "[ Commencer ] [ Plus tard ]",
    ]


def test_a_modal_renders_inputs_radio_options_and_its_buttons() -> None:
    view = modal(
        "Check-in",
        [
            section("*Prospection*", accessory=button("Aide", "help")),
            input_block(
                "Votre niveau",
                {
                    "type": "radio_buttons",
                    "action_id": "level",
                    "options": [
                        option("Junior", "junior", "Suit la méthode avec aide"),
                        option("Senior", "senior", "Forme les autres"),
                    ],
                    "initial_option": option("Senior", "senior", "Forme les autres"),
                },
                "level",
            ),
            input_block(
                "Preuve", {"type": "plain_text_input", "action_id": "ev"}, "ev", optional=True
            ),
        ],
    )

    lines = render_view(view).splitlines()

    assert lines[0].startswith("┌─ Check-in ")
    assert lines[1:7] == [
        "Prospection  [ Aide ]",
        "Votre niveau:",
        "  ( ) Junior — Suit la méthode avec aide",
        "  (•) Senior — Forme les autres",
        "Preuve (optional): ____",
        "[ Annuler ]  [ Envoyer ]".rjust(60),
    ]
    assert lines[-1].startswith("└")


def test_a_home_view_is_just_its_blocks() -> None:
    assert render_view(home([section("Votre progression")])) == "Votre progression"


def test_unknown_blocks_still_show_something() -> None:
    assert render_blocks([{"type": "video", "title": text("x")}]) == "[video block]"
    assert render_blocks(None) == ""
