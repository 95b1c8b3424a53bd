"""The weekly check-in end to end: tick → DM → Start → modal → submit → summary.

Everything goes through the real Bolt app over HTTP (signed requests from the
driver) and the emulator's Web API over HTTP. The driver reads what the bot
displayed to decide what to click, as a person would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select

from emulators.slack import SlackDriver, render_blocks, render_view
from referentiels.loader import ReferentielCatalog
from storage.models import Evidence, OneOnOneTopic, Person, PromptStatus, Rating, Role
from tests.slack.conftest import ALICE, BOB, World

_AE = ReferentielCatalog.load(None).get("account-executive")
assert _AE is not None
AE = _AE
THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _levels(label: str) -> dict[str, str]:
    return {f"level:{c.id}": label for c in AE.all_competencies()}


def _with_manager(world: World) -> None:
    """Alice enrolled, reporting to Bob: her check-in asks for a 1:1 topic."""
    world.enrol(ALICE)
    bob = world.enrol(BOB, role=Role.MANAGER)
    with world.session() as session, session.begin():
        alice = session.scalars(select(Person).where(Person.platform_user_id == ALICE)).one()
        alice.manager_id = bob


def _count(world: World, model: type) -> int:
    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_prompt_arrives_at_the_local_time_and_not_before(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS - timedelta(minutes=1))
    report = world.tick()
    assert report.planned == 1 and report.sent == 0
    assert world.dms(ALICE) == []
    world.at(THURSDAY_1600_PARIS)
    assert world.tick().sent == 1
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    text = render_blocks(prompt.blocks)
    assert "semaine 48" in text
    for competency in AE.all_competencies():  # five competencies: all of them this week
        assert competency.title in text
    assert SlackDriver.button_labels(prompt) == [
        "Faire mon check-in",
        "Passer cette semaine",
        "Rappel dans une heure",
        "Rappel ce soir à 18:00",
        "Rappel demain à 09:00",
    ]
    assert "dimanche 29 novembre à 23:59" in text


def test_full_checkin_stores_everything_and_answers_with_the_summary(world: World) -> None:
    _with_manager(world)
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    driver = world.driver
    prompt = driver.latest_dm(ALICE)
    assert prompt is not None
    click = driver.click(ALICE, prompt, text="Faire mon check-in")
    assert click.ok and click.within_deadline
    modal = world.emulator.wait_for(lambda: driver.modal(ALICE))
    screen = render_view(modal.data)
    # The next level's words, quoted from the référentiel, are what the person rates against.
    junior = AE.competency("prospection").levels["junior"]  # type: ignore[union-attr]
    assert junior.aspects[0].text in screen
    assert "Générer 15% de son propre pipeline" in screen
    values: dict[str, str] = _levels("Junior")
    values["level:closing"] = "Intermédiaire"
    values["evidence:closing"] = "Signé Acme : 40 licences après une démo au COMEX"
    values["link:closing"] = "https://crm.example.com/deals/42"
    values["topic"] = "Comment préparer un comité de direction ?"
    answer = driver.submit_view(ALICE, modal, values)
    assert answer.ok and answer.outcome == "close"
    summary = world.emulator.wait_for(
        lambda: next((m for m in world.dms(ALICE) if "Votre progression" in (m.text or "")), None)
    )
    text = render_blocks(summary.blocks)
    assert "Niveau atteint : Junior" in text
    assert "1 compétence sur 5" in text
    assert "1 preuve" in text
    # The prompt turned into "done", buttons gone.
    updated = world.emulator.wait_for(
        lambda: (
            (m := world.emulator.message(prompt.channel, prompt.ts))
            and "enregistré" in render_blocks(m.blocks)
            and m
        )
    )
    assert SlackDriver.button_labels(updated) == []
    with world.session() as session:
        ratings = dict(session.execute(select(Rating.competency_id, Rating.level_id)).all())
        evidence = session.scalars(select(Evidence)).one()
        topic = session.scalars(select(OneOnOneTopic)).one()
    assert ratings == {
        **{c.id: "junior" for c in AE.all_competencies()},
        "closing": "intermediaire",
    }
    assert (
        evidence.competency_id == "closing" and evidence.link == "https://crm.example.com/deals/42"
    )
    assert topic.text == "Comment préparer un comité de direction ?"
    assert world.prompts(ALICE)[0].status is PromptStatus.DONE


def test_bad_link_is_refused_inline_and_nothing_is_stored(world: World) -> None:
    world.enrol(ALICE)
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, text="Faire mon check-in")
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    values = {**_levels("Junior"), "evidence:closing": "Un deal", "link:closing": "pas un lien"}
    answer = world.driver.submit_view(ALICE, modal, values)
    assert answer.response_action == "errors"
    assert answer.errors == {
        "link:closing": "Ce lien n'est pas une adresse web valide (https://…)."
    }
    assert _count(world, Rating) == 0 and _count(world, Evidence) == 0
    # Corrected in the same modal, it goes through.
    values["link:closing"] = "https://example.com/deal"
    again = world.driver.submit_view(ALICE, world.driver.modal(ALICE) or modal, values)
    assert again.outcome == "close"
    assert _count(world, Rating) == 5 and _count(world, Evidence) == 1


def test_a_submission_delivered_twice_is_stored_once(world: World) -> None:
    _with_manager(world)
    world.at(THURSDAY_1600_PARIS)
    world.tick()
    prompt = world.driver.latest_dm(ALICE)
    assert prompt is not None
    world.driver.click(ALICE, prompt, text="Faire mon check-in")
    modal = world.emulator.wait_for(lambda: world.driver.modal(ALICE))
    first = world.driver.submit_view(ALICE, modal, {**_levels("Senior"), "topic": "Un sujet"})
    assert first.outcome == "close" and first.payload is not None
    world.emulator.wait_for(lambda: len(world.dms(ALICE)) >= 2 or None)
    body = urlencode({"payload": json.dumps(first.payload)}).encode()
    replay = world.driver.post(body, "application/x-www-form-urlencoded")
    assert replay.ok
    assert _count(world, Rating) == 5 and _count(world, OneOnOneTopic) == 1
    summaries = [m for m in world.dms(ALICE) if "Votre progression" in (m.text or "")]
    assert len(summaries) == 1


def test_english_speakers_get_english(world: World) -> None:
    world.enrol(BOB)
    # Thursday 16:00 in New York is 21:00 UTC in November.
    world.at(datetime(2026, 11, 26, 21, 0, tzinfo=UTC))
    world.tick()
    prompt = world.driver.latest_dm(BOB)
    assert prompt is not None
    assert SlackDriver.button_labels(prompt) == [
        "Start my check-in",
        "Skip this week",
        "Remind me in an hour",
        "Remind me this evening at 6:00\u202fPM",
        "Remind me tomorrow at 9:00\u202fAM",
    ]
    assert "week 48" in render_blocks(prompt.blocks)
