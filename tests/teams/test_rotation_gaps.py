"""A certification candidate's check-in in Teams: the summary says how many of the
référentiel's criteria their evidence covers, in French and in English (real Teams SDK
against the Teams emulator; SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.teams.conftest import TeamsWorld, enrol
from tests.teams.managers import sent

CERTIFICATION = "manager-grands-comptes"  # 41 criteria; C1 has three of them
CLIENT = {"fr": "fr-FR", "en": "en-US"}
START = {"fr": "Faire mon check-in", "en": "Start my check-in"}
COUNT = {
    "fr": "Critères de la certification : 3 critères sur 41 couverts par vos preuves.",
    "en": "Certification criteria: 3 of 41 criteria covered by your evidence.",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_summary_counts_the_criteria_covered(world: TeamsWorld, lang: str) -> None:
    teams = world.teams
    user = world.emulator.add_user("Sacha Morel", f"sacha.{lang}@example.com", locale=CLIENT[lang])
    enrol(world.core, user, CERTIFICATION)
    teams.install(user)
    world.tick()  # Alice, enrolled but without Palier installed, is not written to
    prompt = next(m for m in reversed(sent(world, user)) if START[lang] in teams.buttons(m))
    assert teams.open_dialog(user, prompt, START[lang]).status == 200
    dialog = teams.dialog(user)
    assert dialog is not None and dialog.card is not None
    levels = [e["id"] for e in dialog.card["body"] if e.get("type") == "Input.ChoiceSet"]
    assert levels == [f"checkin.level:C{n}" for n in (1, 2, 3)]  # nothing rated yet
    answers = {level: "en_cours" for level in levels}
    answers["checkin.evidence:C1"] = "Plan de compte Airbus revu avec l'équipe"
    assert teams.submit_dialog(user, answers).outcome == "close"
    summary = teams.render(sent(world, user)[-1])
    assert COUNT[lang] in summary
    other = COUNT["en" if lang == "fr" else "fr"]
    assert other not in summary
