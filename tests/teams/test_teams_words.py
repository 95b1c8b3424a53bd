"""What a Teams person reads names Teams' ways, not Slack's, end to end: the help typed to
Palier (commands as typed in Teams, the "Log as evidence" message action) and the page
with no evidence yet (the message action, the organisation's default slot), in French
and in English — through the real Teams SDK and the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.teams.conftest import TeamsWorld, enrol
from tests.test_platform_wording import SLACK_WORDS


@pytest.mark.parametrize(
    ("locale", "word", "expected"),
    [
        ("fr-FR", "aide", ("`moi`", "« Noter comme preuve »", "`accueil`")),
        ("en-GB", "help", ("`me`", "“Log as evidence”", "`home`")),
    ],
)
def test_the_help_typed_in_teams_names_teams_ways(
    world: TeamsWorld, locale: str, word: str, expected: tuple[str, ...]
) -> None:
    person = world.emulator.add_user("Chloé Petit", "chloe@example.fr", locale=locale)
    enrol(world.core, person)
    world.teams.install(person)
    world.teams.send_message(person, word)
    answer = world.teams.latest_message(person)
    assert answer is not None and answer.card is not None
    shown = world.teams.render(answer)
    assert SLACK_WORDS.search(shown) is None, SLACK_WORDS.search(shown)
    runs = str(answer.card)
    for words in expected:
        plain = words.strip("`")
        assert plain in shown
        if words.startswith("`"):  # a command: in code, as it is typed
            assert f"'text': '{plain}', 'fontType': 'Monospace'" in runs


def test_the_page_names_the_message_action_and_the_organisations_default(
    world: TeamsWorld,
) -> None:
    teams, alice = world.teams, world.alice
    teams.install(alice)
    teams.send_message(alice, "accueil")
    home = teams.latest_message(alice)
    assert home is not None
    shown = teams.render(home)
    assert SLACK_WORDS.search(shown) is None, SLACK_WORDS.search(shown)
    assert "l'action « Noter comme preuve »" in shown
    assert "le réglage par défaut de votre organisation" in shown
