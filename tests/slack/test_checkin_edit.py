"""Editing a submitted check-in in Slack, through the real Bolt app over HTTP and the
emulator: the summary's Edit my check-in opens the modal filled in as submitted; the
edit goes through the check-in inbox like any submission, replaces the week's rows and
updates that summary; once the week is closed the click is refused privately and an
edit left open is refused in the modal, changing nothing; a replayed edit stores once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from emulators.slack import SlackDriver, render_blocks, render_view
from emulators.slack.server import Message, View
from storage.models import (
    CheckinInbox,
    Evidence,
    OneOnOneTopic,
    Person,
    Rater,
    Rating,
    Role,
    Submission,
)
from tests.slack.conftest import ALICE, BOB, CHLOE, Errors, World
from tests.slack.test_acks import LEVELS, _replay

THURSDAY_1600_PARIS = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
THURSDAY_1600_NEW_YORK = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)
CLOSED_PARIS = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 00:00 in Paris
CLOSED_NEW_YORK = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # Monday 00:00 in New York
EDIT = {"fr": "Modifier mon check-in", "en": "Edit my check-in"}
START = {"fr": "Faire mon check-in", "en": "Start my check-in"}
TITLE = {"fr": "Votre progression", "en": "Your progress"}


def _count(world: World, model: type) -> int:
    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _levels(world: World) -> dict[str, str]:
    with world.session() as session:
        rows = session.execute(
            select(Rating.competency_id, Rating.level_id).where(Rating.rater == Rater.SELF)
        ).all()
    return dict(rows)


def _summaries(world: World, user: str, lang: str) -> list[Message]:
    return [m for m in world.dms(user) if TITLE[lang] in (m.text or "")]


def _checked_in(world: World, user: str, lang: str, at: datetime) -> Message:
    """``user`` prompted at ``at`` and checked in (Junior everywhere, one piece of evidence
    and a 1:1 topic, so reporting to Chloé: nobody without a manager is asked one); their
    summary."""
    person = world.enrol(user)
    chloe = world.enrol(CHLOE, role=Role.MANAGER)
    with world.session() as session, session.begin():
        session.get_one(Person, person).manager_id = chloe
    world.at(at)
    world.tick()
    prompt = world.driver.latest_dm(user)
    assert prompt is not None
    world.driver.click(user, prompt, text=START[lang])
    modal = world.emulator.wait_for(lambda: world.driver.modal(user))
    values = {**LEVELS, "evidence:closing": "Signé ACME", "topic": "Préparer un COMEX"}
    assert world.driver.submit_view(user, modal, values).outcome == "close"
    (summary,) = world.emulator.wait_for(lambda: _summaries(world, user, lang) or None)
    return summary


def _edit_modal(world: World, user: str, summary: Message, lang: str) -> View:
    click = world.driver.click(user, summary, text=EDIT[lang])
    assert click.ok and click.within_deadline
    return world.emulator.wait_for(lambda: world.driver.modal(user))


def _edited(world: World, user: str, summary: Message, lang: str) -> str:
    """The summary message as it shows once updated."""
    world.emulator.settle()
    updated = world.emulator.message(summary.channel, summary.ts)
    assert updated is not None
    return render_blocks(updated.blocks)


def test_an_edit_within_the_week_replaces_the_ratings_and_updates_the_summary_fr(
    world: World, errors: Errors
) -> None:
    summary = _checked_in(world, ALICE, "fr", THURSDAY_1600_PARIS)
    shown = render_blocks(summary.blocks)
    assert SlackDriver.button_labels(summary) == ["Modifier mon check-in"]
    assert "jusqu'au dimanche 29 novembre à 23:59" in shown
    modal = _edit_modal(world, ALICE, summary, "fr")
    screen = render_view(modal.data)
    assert "Vous modifiez votre check-in de la semaine 48" in screen
    state = world.driver.build_state(modal, {})  # what the person sees, untouched
    assert state["evidence:closing"]["evidence_text:closing"]["value"] == "Signé ACME"
    assert state["topic"]["topic_text"]["value"] == "Préparer un COMEX"
    chosen = state["level:closing"]["level_choice:closing"]["selected_option"]
    assert chosen["value"] == "junior"
    changed = {"level:closing": "Intermédiaire", "evidence:closing": "Signé ACME et Globex"}
    assert world.driver.submit_view(ALICE, modal, changed).outcome == "close"
    text = _edited(world, ALICE, summary, "fr")
    assert "Check-in modifié" in text
    assert "Closing : Intermédiaire · 1 preuve" in text  # replaced: no "was Junior"
    assert "Modifier mon check-in" in SlackDriver.button_labels(
        world.emulator.message(summary.channel, summary.ts) or summary
    )
    assert len(_summaries(world, ALICE, "fr")) == 1  # that summary updated, none added
    assert _levels(world)["closing"] == "intermediaire"
    assert (_count(world, Rating), _count(world, Evidence), _count(world, OneOnOneTopic)) == (
        5,
        1,
        1,
    )
    assert (_count(world, Submission), _count(world, CheckinInbox)) == (2, 0)
    assert errors.records() == []


def test_an_edit_within_the_week_replaces_the_ratings_and_updates_the_summary_en(
    world: World, errors: Errors
) -> None:
    summary = _checked_in(world, BOB, "en", THURSDAY_1600_NEW_YORK)
    assert "You can edit this check-in until" in render_blocks(summary.blocks)
    modal = _edit_modal(world, BOB, summary, "en")
    assert "You are editing your week 48 check-in" in render_view(modal.data)
    # The référentiel's own words (French) in English too.
    assert world.driver.submit_view(BOB, modal, {"level:closing": "Intermédiaire"}).ok
    text = _edited(world, BOB, summary, "en")
    assert "Check-in edited" in text and "Closing: Intermédiaire · 1 piece of evidence" in text
    assert _levels(world)["closing"] == "intermediaire"
    assert (_count(world, Rating), _count(world, Submission)) == (5, 2)
    assert errors.records() == []


def test_a_replayed_edit_is_stored_once(world: World, errors: Errors) -> None:
    summary = _checked_in(world, ALICE, "fr", THURSDAY_1600_PARIS)
    modal = _edit_modal(world, ALICE, summary, "fr")
    answer = world.driver.submit_view(ALICE, modal, {"level:closing": "Senior"})
    assert answer.outcome == "close"
    world.emulator.settle()
    again = _replay(world.driver, answer)  # Slack delivers it again
    assert again.ok and again.response_action is None
    world.emulator.settle()
    assert (_count(world, Rating), _count(world, Submission), _count(world, CheckinInbox)) == (
        5,
        2,
        0,
    )
    assert _levels(world)["closing"] == "senior"
    assert len(_summaries(world, ALICE, "fr")) == 1
    assert errors.records() == []


def _refused_after_close(world: World, user: str, lang: str, told: str) -> None:
    summary = world.emulator.wait_for(lambda: _summaries(world, user, lang) or None)[0]
    before = _levels(world)
    click = world.driver.click(user, summary, text=EDIT[lang])
    assert click.ok
    world.emulator.settle()
    assert world.driver.modal(user) is None
    assert [m.text for m in world.emulator.ephemerals_for(user)] == [told]
    assert _levels(world) == before and _count(world, Submission) == 1


def test_after_the_week_closes_the_edit_is_refused_fr(world: World, errors: Errors) -> None:
    _checked_in(world, ALICE, "fr", THURSDAY_1600_PARIS)
    world.at(CLOSED_PARIS)
    told = (  # that it can no longer change, and when its week closed (Paris)
        "Ce check-in ne peut plus être modifié : sa semaine s'est terminée le "
        "dimanche 29 novembre à 23:59."
    )
    _refused_after_close(world, ALICE, "fr", told)
    assert errors.records() == []


def test_after_the_week_closes_the_edit_is_refused_en(world: World, errors: Errors) -> None:
    _checked_in(world, BOB, "en", THURSDAY_1600_NEW_YORK)
    world.at(CLOSED_PARIS + timedelta(hours=1))  # closed in Paris, still open in New York
    summary = _summaries(world, BOB, "en")[0]
    modal = _edit_modal(world, BOB, summary, "en")
    world.at(CLOSED_NEW_YORK)  # the modal left open past the close, then submitted
    answer = world.driver.submit_view(BOB, modal, {"level:closing": "Senior"})
    assert answer.response_action == "errors"
    # When its week closed, in Bob's zone (New York) and his way (en-US).
    closed = (
        "This check-in can no longer be edited: its week ended on "
        "Sunday, November 29 at 11:59\u202fPM."
    )
    assert list(answer.errors.values()) == [closed]
    assert _levels(world)["closing"] == "junior" and _count(world, CheckinInbox) == 0
    world.driver.close_view(BOB, modal)
    _refused_after_close(world, BOB, "en", closed)
    assert errors.records() == []
